using System;
using System.IO;

namespace Microsoft.ML.SeqAutoencoder.TimeSeries
{
    /// <summary>
    /// The last W time steps of a stream (F features each) and how many steps it has seen: the whole state of
    /// a streaming detector. Both the batch cursor and the online engine push steps through one of these, so
    /// they build identical windows.
    /// </summary>
    internal sealed class SlidingWindow
    {
        private const int StateMagic = 0x57514153; // "SAQW"
        private const int StateVersion = 1;

        private readonly float[] _ring;
        private int _next;

        public SlidingWindow(int windowSize, int featuresPerStep)
        {
            WindowSize = windowSize;
            FeaturesPerStep = featuresPerStep;
            _ring = new float[windowSize * featuresPerStep];
        }

        public int WindowSize { get; }

        public int FeaturesPerStep { get; }

        /// <summary>Number of steps pushed so far (the position of the next step).</summary>
        public long StepsSeen { get; private set; }

        /// <summary>True once W steps have been pushed: a window ends at the last one.</summary>
        public bool IsFull => StepsSeen >= WindowSize;

        /// <summary>Appends one step of F values, dropping the oldest when the window is full.</summary>
        public void Push(ReadOnlySpan<float> step)
        {
            step.CopyTo(_ring.AsSpan(_next * FeaturesPerStep, FeaturesPerStep));
            _next = (_next + 1) % WindowSize;
            StepsSeen++;
        }

        /// <summary>
        /// Pushes a step that could not be read (not finite): the newest step again (zeros before any), so that the rows
        /// after it keep full windows.
        /// </summary>
        public void PushInvalid()
        {
            int f = FeaturesPerStep;
            Span<float> step = stackalloc float[f];
            if (StepsSeen > 0)
                _ring.AsSpan(((_next + WindowSize - 1) % WindowSize) * f, f).CopyTo(step);
            Push(step);
        }

        /// <summary>Copies the window (W·F values, oldest step first) into <paramref name="window"/>; requires <see cref="IsFull"/>.</summary>
        public void CopyTo(Span<float> window)
        {
            int f = FeaturesPerStep;
            int head = _next * f;
            _ring.AsSpan(head).CopyTo(window);
            _ring.AsSpan(0, head).CopyTo(window.Slice(_ring.Length - head));
        }

        // *** State format ***
        // int: magic "SAQW"
        // int: state version (1)
        // int: window size W
        // int: features per step F
        // long: steps seen
        // int: index of the next slot of the ring
        // float[W·F]: the ring
        public void Save(BinaryWriter writer)
        {
            writer.Write(StateMagic);
            writer.Write(StateVersion);
            writer.Write(WindowSize);
            writer.Write(FeaturesPerStep);
            writer.Write(StepsSeen);
            writer.Write(_next);
            foreach (float value in _ring)
                writer.Write(value);
        }

        /// <summary>Restores a state written by <see cref="Save"/> for the same W and F; anything else is an <see cref="InvalidDataException"/>.</summary>
        public void Load(BinaryReader reader)
        {
            if (reader.ReadInt32() != StateMagic)
                throw new InvalidDataException("The stream does not hold a sequence anomaly detector state.");
            int version = reader.ReadInt32();
            if (version != StateVersion)
                throw new InvalidDataException($"Unsupported detector state version {version}; this library reads version {StateVersion}.");
            int w = reader.ReadInt32();
            int f = reader.ReadInt32();
            if (w != WindowSize || f != FeaturesPerStep)
                throw new InvalidDataException($"The state is for windows of {w} steps of {f} features; this detector uses {WindowSize} steps of {FeaturesPerStep}.");
            long seen = reader.ReadInt64();
            int next = reader.ReadInt32();
            if (seen < 0 || next < 0 || next >= WindowSize || (seen < WindowSize && next != seen))
                throw new InvalidDataException("The detector state is corrupt.");
            var ring = new float[_ring.Length];
            for (int i = 0; i < ring.Length; i++)
            {
                ring[i] = reader.ReadSingle();
                if (!float.IsFinite(ring[i]))
                    throw new InvalidDataException("The detector state is corrupt.");
            }
            ring.CopyTo(_ring, 0);
            StepsSeen = seen;
            _next = next;
        }
    }
}
