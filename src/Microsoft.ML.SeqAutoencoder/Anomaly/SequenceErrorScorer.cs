using System;
using System.Collections.Generic;
using Microsoft.ML.SeqAutoencoder.Scoring;
using Microsoft.ML.SeqAutoencoder.Training;

namespace Microsoft.ML.SeqAutoencoder.Anomaly
{
    /// <summary>
    /// Turns rows (step-major T·F values, validated) into per-step error vectors e_t = |x_t − x̂_t| / σ (F values
    /// per step, in standardized units) and into anomaly scores. The decoder outputs compared with the row are
    /// the reconstruction in Reconstruction mode, the forecast of the row's last PredictionLength steps in
    /// Prediction mode, and both (reconstruction steps first) in Composite mode.
    /// </summary>
    internal sealed class SequenceErrorScorer
    {
        private readonly SequenceAutoencoderModel _model;
        private readonly float[] _std;

        public SequenceErrorScorer(SequenceAutoencoderModel model)
        {
            _model = model;
            _std = model.FeatureStd;
        }

        /// <summary>F.</summary>
        public int FeaturesPerStep => _model.Architecture.FeaturesPerStep;

        /// <summary>Steps at the end of each row that the prediction decoder forecasts (0 without one).</summary>
        public int PredictionLength => _model.Architecture.PredictionLength;

        /// <summary>Fewest steps a row may have: one input step plus the forecast steps.</summary>
        public int MinimumSteps => 1 + PredictionLength;

        /// <summary>Number of error steps of a row of <paramref name="steps"/> steps.</summary>
        public int ErrorSteps(int steps)
        {
            var arch = _model.Architecture;
            int p = PredictionLength;
            return (arch.HasReconstructionDecoder ? steps - p : 0) + (arch.HasPredictionDecoder ? p : 0);
        }

        /// <summary>The error vectors of every row, step-major, in forward passes of up to <paramref name="batchSize"/> rows.</summary>
        public double[][] Errors(IReadOnlyList<float[]> rows, int batchSize)
        {
            int f = FeaturesPerStep;
            int p = PredictionLength;
            var arch = _model.Architecture;
            var inputs = new SequenceSet(f);
            foreach (float[] row in rows)
                inputs.Add(row.AsSpan(0, row.Length - p * f));
            var outputs = _model.Run(inputs, Math.Max(1, Math.Min(batchSize, rows.Count)), arch.HasReconstructionDecoder, arch.HasPredictionDecoder);

            var errors = new double[rows.Count][];
            for (int i = 0; i < rows.Count; i++)
            {
                float[] row = rows[i];
                var o = outputs[i];
                int reconstructed = o.Reconstruction?.Length ?? 0;
                int forecast = o.Forecast?.Length ?? 0;
                var e = new double[reconstructed + forecast];
                for (int k = 0; k < reconstructed; k++)
                    e[k] = Math.Abs((double)row[k] - o.Reconstruction[k]) / _std[k % f];
                int tail = row.Length - forecast;
                for (int k = 0; k < forecast; k++)
                    e[reconstructed + k] = Math.Abs((double)row[tail + k] - o.Forecast[k]) / _std[k % f];
                errors[i] = e;
            }
            return errors;
        }

        /// <summary>
        /// Score of each error step: the mean squared error of its F values, or its Mahalanobis distance
        /// a_t = (e_t − μ)ᵀ Σ⁻¹ (e_t − μ) when <paramref name="distribution"/> is given.
        /// </summary>
        public static double[] StepScores(double[] errors, int featuresPerStep, MahalanobisDistribution distribution)
        {
            int f = featuresPerStep;
            var scores = new double[errors.Length / f];
            for (int t = 0; t < scores.Length; t++)
            {
                var step = new ReadOnlySpan<double>(errors, t * f, f);
                if (distribution != null)
                {
                    scores[t] = distribution.Distance(step);
                }
                else
                {
                    double sum = 0;
                    foreach (double v in step)
                        sum += v * v;
                    scores[t] = sum / f;
                }
            }
            return scores;
        }

        /// <summary>
        /// Raw score of a row: the mean of its step scores, which is the mean squared (standardized) error of the
        /// row without a distribution, and the mean Mahalanobis distance of its steps with one.
        /// </summary>
        public static double RowScore(double[] errors, int featuresPerStep, MahalanobisDistribution distribution)
        {
            double[] steps = StepScores(errors, featuresPerStep, distribution);
            double sum = 0;
            foreach (double s in steps)
                sum += s;
            return sum / steps.Length;
        }
    }
}
