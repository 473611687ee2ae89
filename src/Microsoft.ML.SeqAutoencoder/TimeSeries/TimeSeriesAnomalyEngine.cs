using System;
using System.IO;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.TimeSeries;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Online use of a <see cref="TimeSeriesAnomalyDetector"/>: takes one time step at a time and returns exactly
    /// what <see cref="TimeSeriesAnomalyDetector.Transform"/> returns for that row of the same stream.
    /// </summary>
    /// <remarks>
    /// Create it with <see cref="TimeSeriesAnomalyDetector.CreateOnlineEngine()"/>. Its state is the last
    /// WindowSize (+ PredictionLength) steps and the number of steps seen; <see cref="SaveState"/> writes it and
    /// <see cref="LoadState"/> (or <see cref="TimeSeriesAnomalyDetector.CreateOnlineEngine(Stream)"/>) restores it,
    /// so a service can stop and continue the stream where it left off, with the model saved separately by
    /// <c>mlContext.Model.Save</c>. An engine is not thread-safe: use one per stream. It uses the detector's
    /// network, so keep the detector undisposed while the engine is in use.
    /// </remarks>
    public sealed class TimeSeriesAnomalyEngine
    {
        private readonly IHost _host;
        private readonly WindowScorer _scorer;
        private readonly StepColumn _column;
        private readonly SlidingWindow _window;
        private readonly float[] _windowValues;
        private readonly float[] _single = new float[1];

        internal TimeSeriesAnomalyEngine(IHost host, WindowScorer scorer, StepColumn column)
        {
            _host = host;
            _scorer = scorer;
            _column = column;
            _window = new SlidingWindow(scorer.SpanSize, scorer.FeaturesPerStep);
            _windowValues = new float[scorer.SpanSize * scorer.FeaturesPerStep];
        }

        /// <summary>Number of rows (time steps) in each window.</summary>
        public int WindowSize => _scorer.WindowSize;

        /// <summary>Number of features in each time step.</summary>
        public int FeaturesPerStep => _scorer.FeaturesPerStep;

        /// <summary>Number of time steps processed so far, including those restored with <see cref="LoadState"/>.</summary>
        public long RowsProcessed => _window.StepsSeen;

        /// <summary>Processes the next time step of a stream with one feature per step.</summary>
        /// <param name="value">The step's value; it must be finite unless the detector was trained with
        /// <see cref="TimeSeriesAnomalyOptions.NonFiniteStepsAreAnomalies"/> (then a NaN or ∞ step alerts).</param>
        /// <returns>Alert (1 or 0), Raw Score and P-Value of the window ending at this step, as in the detector's output column.</returns>
        public double[] Process(float value)
        {
            _single[0] = value;
            return Process(_single);
        }

        /// <summary>Processes the next time step.</summary>
        /// <param name="step">The step's <see cref="FeaturesPerStep"/> values; they must be finite unless the detector was trained with
        /// <see cref="TimeSeriesAnomalyOptions.NonFiniteStepsAreAnomalies"/> (then a NaN or ∞ step alerts).</param>
        /// <returns>Alert (1 or 0), Raw Score and P-Value of the window ending at this step, as in the detector's output column.</returns>
        public double[] Process(ReadOnlySpan<float> step)
        {
            _host.CheckParam(step.Length == FeaturesPerStep, nameof(step),
                $"Column '{_column.Name}': expected {FeaturesPerStep} values per step; found {step.Length}.");
            if (!IsFinite(step))
            {
                if (!_column.NonFiniteStepsAreAnomalies)
                    _column.CheckFinite(_host, step, _window.StepsSeen);
                _window.PushInvalid();
                return Values(_scorer.NonFiniteStep);
            }
            _window.Push(step);
            if (!_window.IsFull)
                return Values(WindowScorer.WarmUp);
            _window.CopyTo(_windowValues);
            var span = _scorer.NewSpans();
            span.Add(_windowValues);
            return Values(_scorer.Score(span)[0]);
        }

        private static double[] Values(DetectorOutput output)
        {
            var values = new double[3];
            output.CopyTo(values);
            return values;
        }

        private static bool IsFinite(ReadOnlySpan<float> step)
        {
            foreach (float value in step)
            {
                if (!float.IsFinite(value))
                    return false;
            }
            return true;
        }

        /// <summary>Writes the engine's state (the last WindowSize steps and the number of steps seen) to <paramref name="stream"/>.</summary>
        /// <param name="stream">A writable stream; it is left open.</param>
        public void SaveState(Stream stream)
        {
            _host.CheckValue(stream, nameof(stream));
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            _window.Save(writer);
        }

        /// <summary>Replaces the engine's state with one written by <see cref="SaveState"/> of an engine with the same window and features.</summary>
        /// <param name="stream">A readable stream positioned at the state; it is left open.</param>
        /// <exception cref="InvalidDataException">The stream does not hold a compatible state.</exception>
        public void LoadState(Stream stream)
        {
            _host.CheckValue(stream, nameof(stream));
            using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            try
            {
                _window.Load(reader);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException("The detector state is truncated.", e);
            }
        }
    }
}
