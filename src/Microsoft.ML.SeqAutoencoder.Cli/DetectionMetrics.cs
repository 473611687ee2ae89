using System;
using System.Linq;

namespace Microsoft.ML.SeqAutoencoder.Cli
{
    /// <summary>Threshold-free (AUC-PR, AUC-ROC) and at-threshold (precision, recall, F1) detection metrics.</summary>
    internal sealed record DetectionMetrics(double AveragePrecision, double AreaUnderRoc, double Precision, double Recall, double F1,
        int TruePositives, int FalsePositives, int FalseNegatives)
    {
        public static DetectionMetrics Compute(double[] scores, bool[] alerts, bool[] truth)
        {
            int positives = truth.Count(t => t), negatives = truth.Length - positives;
            int tp = alerts.Where((a, i) => a && truth[i]).Count(), fp = alerts.Where((a, i) => a && !truth[i]).Count();
            int fn = positives - tp;
            double precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp), recall = positives == 0 ? 0 : (double)tp / positives;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);

            // Average precision over the ranking by score (ties taken together), and AUC-ROC by the trapezoid rule.
            var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
            double ap = 0, auc = 0;
            int seenTp = 0, seenFp = 0;
            for (int k = 0; k < order.Length;)
            {
                int end = k;
                int groupTp = 0, groupFp = 0;
                while (end < order.Length && scores[order[end]] == scores[order[k]])
                {
                    if (truth[order[end]]) groupTp++; else groupFp++;
                    end++;
                }
                if (positives > 0 && groupTp > 0)
                    ap += (double)groupTp / positives * (seenTp + groupTp) / (seenTp + groupTp + seenFp + groupFp);
                if (positives > 0 && negatives > 0)
                    auc += (double)groupFp / negatives * (seenTp + groupTp / 2.0) / positives;
                seenTp += groupTp;
                seenFp += groupFp;
                k = end;
            }
            return new DetectionMetrics(positives == 0 ? double.NaN : ap, positives == 0 || negatives == 0 ? double.NaN : auc,
                precision, recall, f1, tp, fp, fn);
        }
    }
}
