using System;
using System.Collections.Generic;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.TimeSeries
{
    /// <summary>
    /// Turns spans of rows into detector outputs. A span is the WindowSize rows the encoder reads, followed, with a
    /// prediction decoder, by the PredictionLength rows it forecasts. The raw score is, in scaled units: the window's mean
    /// squared reconstruction error (Reconstruction mode), the forecast's mean squared error (Prediction mode), or each of
    /// the two divided by its median over the held-out training spans, then summed (Composite mode). The p-value is the
    /// raw score's empirical tail probability among the held-out scores, and the alert whether it is below
    /// 1 − confidence/100. A raw score that is not finite (an overflow on extreme input) counts as the most anomalous.
    /// </summary>
    internal sealed class WindowScorer
    {
        /// <summary>What rows before the first full span get: no alert, score 0, p-value 1.</summary>
        public static readonly DetectorOutput WarmUp = new DetectorOutput(false, 0, 1);

        private readonly double[] _nullScores;

        /// <param name="model">The fitted network.</param>
        /// <param name="windowSize">W, the rows the encoder reads.</param>
        /// <param name="nullScores">Raw scores of the held-out training spans, sorted ascending.</param>
        /// <param name="confidence">Confidence in percent.</param>
        /// <param name="reconstructionScale">Composite mode: the held-out median of the reconstruction part; 1 otherwise.</param>
        /// <param name="forecastScale">Composite mode: the held-out median of the forecast part; 1 otherwise.</param>
        public WindowScorer(SequenceAutoencoderModel model, int windowSize, double[] nullScores, double confidence,
            double reconstructionScale = 1, double forecastScale = 1)
        {
            Model = model;
            WindowSize = windowSize;
            _nullScores = nullScores;
            Confidence = confidence;
            ReconstructionScale = reconstructionScale;
            ForecastScale = forecastScale;
        }

        public SequenceAutoencoderModel Model { get; }

        /// <summary>W: the rows the encoder reads.</summary>
        public int WindowSize { get; }

        /// <summary>The rows forecast after the window (0 in Reconstruction mode).</summary>
        public int PredictionLength => Model.Architecture.PredictionLength;

        /// <summary>W + PredictionLength: the rows one score looks at, ending at the scored row.</summary>
        public int SpanSize => WindowSize + PredictionLength;

        public int FeaturesPerStep => Model.Architecture.FeaturesPerStep;

        public double Confidence { get; }

        public double ReconstructionScale { get; }

        public double ForecastScale { get; }

        /// <summary>The held-out raw scores, sorted ascending (do not modify).</summary>
        public double[] NullScores => _nullScores;

        /// <summary>Alerts fire below this p-value.</summary>
        public double Alpha => 1 - Confidence / 100;

        /// <summary>A set for spans of this scorer (the last PredictionLength rows of each are forecast targets).</summary>
        public SequenceSet NewSpans() => new SequenceSet(FeaturesPerStep, PredictionLength);

        /// <summary>
        /// The mean squared error of the reconstruction and of the forecast of each span at <paramref name="indices"/> of
        /// <paramref name="spans"/> (all when null; NaN for a part the model has not), in one forward pass. A lone span is
        /// scored in a batch of two (itself twice): for a batch of one, libtorch's CPU kernels take a matrix-vector path
        /// whose rounding differs (about 1e-6 relative, measured), while from two rows up a span's result does not depend
        /// on the batch it is in. This keeps the online engine, which scores one span at a time, bit-identical to the
        /// batched view.
        /// </summary>
        public (double Reconstruction, double Forecast)[] Parts(SequenceSet spans, IReadOnlyList<int> indices = null)
        {
            indices ??= spans.All();
            var parts = new (double, double)[indices.Count];
            if (parts.Length == 0)
                return parts;
            IReadOnlyList<int> batch = indices.Count == 1 ? new[] { indices[0], indices[0] } : indices;
            SequenceOutputs[] outputs = Model.Run(spans, batch.Count, SequenceOutputKinds.Errors, batch);
            var arch = Model.Architecture;
            int reconstructed = arch.HasReconstructionDecoder ? WindowSize * FeaturesPerStep : 0;
            for (int i = 0; i < parts.Length; i++)
            {
                double[] e = outputs[i].Errors;
                parts[i] = (reconstructed > 0 ? MeanSquare(e.AsSpan(0, reconstructed)) : double.NaN,
                    arch.HasPredictionDecoder ? MeanSquare(e.AsSpan(reconstructed)) : double.NaN);
            }
            return parts;
        }

        /// <summary>The raw score of a span from its two parts (see the class remarks).</summary>
        public double RawScore((double Reconstruction, double Forecast) parts)
        {
            var arch = Model.Architecture;
            double score = !arch.HasPredictionDecoder ? parts.Reconstruction
                : !arch.HasReconstructionDecoder ? parts.Forecast
                : parts.Reconstruction / ReconstructionScale + parts.Forecast / ForecastScale;
            return double.IsNaN(score) ? double.PositiveInfinity : score;
        }

        /// <summary>Raw scores of the spans at <paramref name="indices"/> (all when null), in one forward pass.</summary>
        public double[] RawScores(SequenceSet spans, IReadOnlyList<int> indices = null)
        {
            var parts = Parts(spans, indices);
            var scores = new double[parts.Length];
            for (int i = 0; i < scores.Length; i++)
                scores[i] = RawScore(parts[i]);
            return scores;
        }

        /// <summary>The outputs for every span of <paramref name="spans"/>, in one forward pass.</summary>
        public DetectorOutput[] Score(SequenceSet spans)
        {
            double[] raw = RawScores(spans);
            var outputs = new DetectorOutput[raw.Length];
            for (int i = 0; i < raw.Length; i++)
                outputs[i] = Output(raw[i]);
            return outputs;
        }

        /// <summary>The output for a raw score; a score that is not finite is the most anomalous one (fail closed).</summary>
        /// <summary>The output of a row whose step is not finite, when the user opted in to scoring it (the most anomalous).</summary>
        public DetectorOutput NonFiniteStep => Output(double.PositiveInfinity);

        public DetectorOutput Output(double rawScore)
        {
            if (!double.IsFinite(rawScore))
                return new DetectorOutput(true, double.PositiveInfinity, 1.0 / (1 + _nullScores.Length));
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

        private static double MeanSquare(ReadOnlySpan<double> errors)
        {
            double sum = 0;
            foreach (double e in errors)
                sum += e * e;
            return sum / errors.Length;
        }
    }
}
