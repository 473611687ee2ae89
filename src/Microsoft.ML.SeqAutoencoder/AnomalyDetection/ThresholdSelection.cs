using System;
using System.Linq;

namespace Microsoft.ML.SeqAutoencoder.AnomalyDetection
{
    /// <summary>Ways to pick the raw score above which a row is an anomaly.</summary>
    internal static class ThresholdSelection
    {
        /// <summary>The <paramref name="quantile"/> of <paramref name="scores"/>, interpolated linearly between order statistics.</summary>
        public static double Quantile(double[] scores, double quantile)
        {
            double[] sorted = scores.OrderBy(s => s).ToArray();
            double position = quantile * (sorted.Length - 1);
            int below = (int)Math.Floor(position);
            int above = Math.Min(below + 1, sorted.Length - 1);
            return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
        }

        /// <summary>Mean plus <paramref name="k"/> population standard deviations of <paramref name="scores"/>.</summary>
        public static double MeanPlusKStd(double[] scores, double k)
        {
            double mean = scores.Average();
            double variance = scores.Sum(s => (s - mean) * (s - mean)) / scores.Length;
            return mean + k * Math.Sqrt(variance);
        }

        /// <summary>
        /// The threshold t among the sorted <paramref name="scores"/> that maximizes Fβ of the rule "anomaly when
        /// score &gt; t" against <paramref name="labels"/> (true = anomaly); ties keep the highest threshold.
        /// </summary>
        public static double FBetaOptimal(double[] scores, bool[] labels, double beta, out double bestFBeta)
        {
            int n = scores.Length;
            int[] order = Enumerable.Range(0, n).OrderBy(i => scores[i]).ToArray();
            int positives = labels.Count(l => l);
            double b2 = beta * beta;

            // Walking the candidates in increasing order, the rows predicted anomalous are those after the
            // last row whose score equals the candidate.
            bestFBeta = -1;
            double best = scores[order[n - 1]];
            int truePositivesAtOrBelow = 0;
            for (int r = 0; r < n; r++)
            {
                if (labels[order[r]])
                    truePositivesAtOrBelow++;
                if (r + 1 < n && scores[order[r + 1]] == scores[order[r]])
                    continue;
                int predicted = n - r - 1;
                int truePositives = positives - truePositivesAtOrBelow;
                double precision = predicted == 0 ? 0 : (double)truePositives / predicted;
                double recall = positives == 0 ? 0 : (double)truePositives / positives;
                double f = precision + recall == 0 ? 0 : (1 + b2) * precision * recall / (b2 * precision + recall);
                if (f >= bestFBeta)
                {
                    bestFBeta = f;
                    best = scores[order[r]];
                }
            }
            return best;
        }
    }
}
