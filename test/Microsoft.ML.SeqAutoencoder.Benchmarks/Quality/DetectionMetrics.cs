using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Quality
{
    /// <summary>
    /// Point-wise detection metrics of scores (higher = more anomalous) against 0/1 labels, with no point
    /// adjustment. Rows with equal scores are one threshold step (as scikit-learn does): they are flagged together.
    /// </summary>
    internal static class DetectionMetrics
    {
        /// <summary>
        /// Average precision: Σ over distinct thresholds t, from the highest, of (R(t) − R(previous t)) · P(t),
        /// where a row is flagged when its score is ≥ t (scikit-learn's <c>average_precision_score</c>).
        /// </summary>
        public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
        {
            double sum = 0;
            double previousRecall = 0;
            foreach (var (tp, fp, positives) in Steps(scores, labels))
            {
                double recall = (double)tp / positives;
                sum += (recall - previousRecall) * tp / (tp + fp);
                previousRecall = recall;
            }
            return sum;
        }

        /// <summary>Area under the ROC curve: P(score of a random positive &gt; score of a random negative), ties counting 1/2.</summary>
        public static double RocAuc(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
        {
            double area = 0;
            long previousTp = 0, previousFp = 0;
            long positives = 0, negatives = 0;
            foreach (var (tp, fp, p) in Steps(scores, labels))
            {
                // Trapezoid between the previous and this point, in counts.
                area += (fp - previousFp) * (tp + previousTp) / 2.0;
                previousTp = tp;
                previousFp = fp;
                positives = p;
                negatives = fp;
            }
            if (negatives == 0)
                throw new ArgumentException("No negative label.", nameof(labels));
            return area / ((double)positives * negatives);
        }

        /// <summary>The highest F1 of "score ≥ t" over all thresholds t.</summary>
        public static double BestF1(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
        {
            double best = 0;
            foreach (var (tp, fp, positives) in Steps(scores, labels))
                best = Math.Max(best, 2.0 * tp / (tp + fp + positives));
            return best;
        }

        /// <summary>Cumulative true and false positives after each group of equal scores, from the highest score down.</summary>
        private static IEnumerable<(long Tp, long Fp, long Positives)> Steps(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
        {
            if (scores.Count != labels.Count)
                throw new ArgumentException($"{scores.Count} scores but {labels.Count} labels.");
            if (scores.Any(double.IsNaN))
                throw new ArgumentException("A score is NaN.", nameof(scores));
            long positives = labels.LongCount(l => l);
            if (positives == 0)
                throw new ArgumentException("No positive label.", nameof(labels));
            int[] order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
            long tp = 0, fp = 0;
            for (int k = 0; k < order.Length; k++)
            {
                if (labels[order[k]])
                    tp++;
                else
                    fp++;
                if (k == order.Length - 1 || scores[order[k + 1]] != scores[order[k]])
                    yield return (tp, fp, positives);
            }
        }

        /// <summary>Hand-computed cases; throws if a metric disagrees.</summary>
        public static void SelfCheck()
        {
            // Ranking 1,0,1,0: AP = ½·1 + ½·⅔ = 5/6; ROC-AUC = 3 of 4 pairs = 0.75; best F1 at the top 3 = 2·⅔·1/(⅔+1) = 0.8.
            double[] scores = { 0.9, 0.8, 0.7, 0.6 };
            bool[] labels = { true, false, true, false };
            Expect("AP", AveragePrecision(scores, labels), 5.0 / 6);
            Expect("ROC-AUC", RocAuc(scores, labels), 0.75);
            Expect("best F1", BestF1(scores, labels), 0.8);
            // All scores tied, 1 positive of 2: one threshold flags both: AP = ½, ROC-AUC = ½, F1 = 2·½·1/(½+1) = ⅔.
            double[] tied = { 1, 1 };
            bool[] half = { false, true };
            Expect("AP (ties)", AveragePrecision(tied, half), 0.5);
            Expect("ROC-AUC (ties)", RocAuc(tied, half), 0.5);
            Expect("best F1 (ties)", BestF1(tied, half), 2.0 / 3);
            // A perfect ranking.
            Expect("AP (perfect)", AveragePrecision(new double[] { 3, 2, 1 }, new[] { true, true, false }), 1);
            Expect("ROC-AUC (reversed)", RocAuc(new double[] { 3, 2, 1 }, new[] { false, false, true }), 0);
        }

        private static void Expect(string name, double actual, double expected)
        {
            if (Math.Abs(actual - expected) > 1e-12)
                throw new InvalidOperationException($"Metric self-check failed: {name} = {actual}, expected {expected}.");
        }
    }
}
