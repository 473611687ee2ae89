using System;

namespace Microsoft.ML.SeqAutoencoder.AnomalyDetection
{
    /// <summary>
    /// Turns a row's standardized error vectors e_t (<see cref="Torch.SequenceOutputs.Errors"/>: the reconstruction's
    /// steps, then the forecast's, F values each) into anomaly scores: a score per error step and the row's raw score.
    /// The one place that knows the scoring methods.
    /// </summary>
    internal static class ErrorScores
    {
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
        /// Raw score of a row: the mean of its step scores, which is the mean squared (standardized) error of the row
        /// without a distribution, and the mean Mahalanobis distance of its steps with one.
        /// </summary>
        public static double RowScore(double[] errors, int featuresPerStep, MahalanobisDistribution distribution)
        {
            double[] steps = StepScores(errors, featuresPerStep, distribution);
            double sum = 0;
            foreach (double s in steps)
                sum += s;
            return sum / steps.Length;
        }

        /// <summary>Number of error steps of a row with <paramref name="inputSteps"/> input steps under <paramref name="architecture"/>.</summary>
        public static int ErrorSteps(Torch.AutoencoderArchitecture architecture, int inputSteps)
            => (architecture.HasReconstructionDecoder ? inputSteps : 0) + architecture.PredictionLength;
    }
}
