using System.Collections.Generic;
using System.Diagnostics;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Harness
{
    /// <summary>
    /// Durations between marks: <see cref="Start"/> opens an interval, <see cref="Stop"/> (or the next
    /// <see cref="Start"/>) closes it. Built on <see cref="Stopwatch.GetTimestamp"/>, no allocation per mark
    /// beyond the list growing.
    /// </summary>
    internal sealed class StepTimer
    {
        private readonly List<double> _milliseconds = new List<double>();
        private long _started;
        private bool _open;

        /// <summary>Closed intervals so far, in milliseconds.</summary>
        public IReadOnlyList<double> Milliseconds => _milliseconds;

        /// <summary>Closes the open interval, if any, and opens a new one now.</summary>
        public void Start()
        {
            long now = Stopwatch.GetTimestamp();
            Close(now);
            _started = now;
            _open = true;
        }

        /// <summary>Closes the open interval, if any. Returns whether one was closed.</summary>
        public bool Stop() => Close(Stopwatch.GetTimestamp());

        private bool Close(long now)
        {
            if (!_open)
                return false;
            _milliseconds.Add(Stopwatch.GetElapsedTime(_started, now).TotalMilliseconds);
            _open = false;
            return true;
        }
    }
}
