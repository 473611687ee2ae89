using System;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.AnomalyDetection;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.AnomalyDetection
{
    /// <summary>The error distribution and threshold selection, against values worked out by hand.</summary>
    public sealed class AnomalyStatisticsTests
    {
        [Fact]
        public void CholeskyInverseMatchesTheKnownInverse()
        {
            // [[4, 2], [2, 3]]⁻¹ = [[3, -2], [-2, 4]] / 8.
            double[] inverse = MahalanobisDistribution.InvertPositiveDefinite(new double[] { 4, 2, 2, 3 }, 2);
            Assert.Equal(new[] { 0.375, -0.25, -0.25, 0.5 }, inverse.Select(v => Math.Round(v, 12)).ToArray());
        }

        [Fact]
        public void DistributionIsFittedOnEveryStepAndRegularized()
        {
            // Two rows of two steps, F = 2; the second feature never varies.
            var rows = new[] { new double[] { 1, 5, 3, 5 }, new double[] { 1, 5, 3, 5 } };
            var distribution = MahalanobisDistribution.Fit(rows, 2, 0.5);
            Assert.Equal(new[] { 2.0, 5.0 }, distribution.Mean);
            // Σ = diag(1, 0) + 0.5·I.
            Assert.Equal(new[] { Math.Round(1 / 1.5, 12), 0, 0, 2 }, distribution.Precision.Select(v => Math.Round(v, 12)).ToArray());
            Assert.Equal(1 / 1.5 + 2 * 0.25, distribution.Distance(new double[] { 3, 5.5 }), 12);
        }

        [Fact]
        public void RowScoresAreMeansOfStepScores()
        {
            var errors = new double[] { 1, 2, 0, 0, 3, 1 };
            Assert.Equal(new[] { 2.5, 0, 5 }, ErrorScores.StepScores(errors, 2, null));
            Assert.Equal(2.5, ErrorScores.RowScore(errors, 2, null), 12);
        }

        [Fact]
        public void ThresholdsFollowTheirDefinitions()
        {
            double[] scores = { 4, 1, 3, 2, 5 };
            Assert.Equal(3, ThresholdSelection.Quantile(scores, 0.5), 12);
            Assert.Equal(4.6, ThresholdSelection.Quantile(scores, 0.9), 12);
            Assert.Equal(5, ThresholdSelection.Quantile(scores, 1), 12);
            Assert.Equal(3 + 2 * Math.Sqrt(2), ThresholdSelection.MeanPlusKStd(scores, 2), 12);

            // Anomalies score 3 and 5: "score > 2" has recall 1 and precision 2/3; "score > 3" has precision 1, recall 1/2.
            bool[] labels = { false, false, true, false, true };
            double threshold = ThresholdSelection.FBetaOptimal(scores, labels, 1, out double f1);
            Assert.Equal(2, threshold);
            Assert.Equal(0.8, f1, 12);
            // β = 0.25 weighs precision: "score > 4" (precision 1, recall 1/2) wins.
            threshold = ThresholdSelection.FBetaOptimal(scores, labels, 0.25, out double fQuarter);
            Assert.Equal(4, threshold);
            Assert.Equal(1.0625 * 0.5 / (0.0625 + 0.5), fQuarter, 12);
        }
    }
}
