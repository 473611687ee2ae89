using System.Collections.Generic;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.TimeSeries
{
    /// <summary>
    /// Turns windows of W steps into detector outputs: the raw score is the window's mean squared reconstruction error
    /// in standardized units, the p-value its empirical tail probability among the held-out training scores, and the
    /// alert whether that p-value is below 1 − confidence/100.
    /// </summary>
    internal sealed class WindowScorer
    {
        /// <summary>What rows before the first full window get: no alert, score 0, p-value 1.</summary>
        public static readonly DetectorOutput WarmUp = new DetectorOutput(false, 0, 1);

        private readonly double[] _nullScores;

        /// <param name="model">The fitted network (Reconstruction mode).</param>
        /// <param name="windowSize">W.</param>
        /// <param name="nullScores">Raw scores of the held-out training windows, sorted ascending.</param>
        /// <param name="confidence">Confidence in percent.</param>
        public WindowScorer(SequenceAutoencoderModel model, int windowSize, double[] nullScores, double confidence)
        {
            Model = model;
            WindowSize = windowSize;
            _nullScores = nullScores;
            Confidence = confidence;
        }

        public SequenceAutoencoderModel Model { get; }

        public int WindowSize { get; }

        public int FeaturesPerStep => Model.Architecture.FeaturesPerStep;

        public double Confidence { get; }

        /// <summary>The held-out raw scores, sorted ascending (do not modify).</summary>
        public double[] NullScores => _nullScores;

        /// <summary>Alerts fire below this p-value.</summary>
        public double Alpha => 1 - Confidence / 100;

        /// <summary>
        /// Raw scores of the windows at <paramref name="indices"/> of <paramref name="windows"/> (all when null; W steps
        /// each), in one forward pass. A lone window is scored in a batch of two (itself twice): for a batch of one,
        /// libtorch's CPU kernels take a matrix-vector path whose rounding differs (about 1e-6 relative, measured),
        /// while from two rows up a window's result does not depend on the batch it is in. This keeps the online
        /// engine, which scores one window at a time, bit-identical to the batched view.
        /// </summary>
        public double[] RawScores(SequenceSet windows, IReadOnlyList<int> indices = null)
        {
            indices ??= windows.All();
            var scores = new double[indices.Count];
            if (scores.Length == 0)
                return scores;
            IReadOnlyList<int> batch = indices.Count == 1 ? new[] { indices[0], indices[0] } : indices;
            SequenceOutputs[] outputs = Model.Run(windows, batch.Count, SequenceOutputKinds.Errors, batch);
            for (int i = 0; i < scores.Length; i++)
                scores[i] = outputs[i].MeanSquaredError();
            return scores;
        }

        /// <summary>The outputs for every window of <paramref name="windows"/>, in one forward pass.</summary>
        public DetectorOutput[] Score(SequenceSet windows)
        {
            double[] raw = RawScores(windows);
            var outputs = new DetectorOutput[raw.Length];
            for (int i = 0; i < raw.Length; i++)
                outputs[i] = Output(raw[i]);
            return outputs;
        }

        public DetectorOutput Output(double rawScore)
        {
            double p = PValue(rawScore);
            return new DetectorOutput(p < Alpha, rawScore, p);
        }

        /// <summary>(1 + #{held-out scores ≥ s}) / (1 + n).</summary>
        public double PValue(double score)
        {
            // First index whose score is >= score.
            int lo = 0, hi = _nullScores.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (_nullScores[mid] < score)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            return (1.0 + (_nullScores.Length - lo)) / (1.0 + _nullScores.Length);
        }
    }
}
