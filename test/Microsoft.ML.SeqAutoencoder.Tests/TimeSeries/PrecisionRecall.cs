using System;
using System.Linq;

namespace Microsoft.ML.SeqAutoencoder.Tests.TimeSeries
{
    /// <summary>Area under the precision-recall curve (average precision) of scores against labels.</summary>
    internal static class PrecisionRecall
    {
        /// <summary>
        /// Average precision: the mean, over positives ranked by descending score, of the precision at each
        /// positive's rank. Tied scores are ranked pessimistically (negatives first), so ties cannot inflate it.
        /// </summary>
        public static double AveragePrecision(double[] scores, bool[] labels)
        {
            if (scores.Length != labels.Length)
                throw new ArgumentException("One label per score is needed.");
            int positives = labels.Count(l => l);
            if (positives == 0)
                throw new ArgumentException("At least one positive label is needed.");
            int[] order = Enumerable.Range(0, scores.Length)
                .OrderByDescending(i => scores[i]).ThenBy(i => labels[i] ? 1 : 0).ToArray();
            double sum = 0;
            int truePositives = 0;
            for (int rank = 0; rank < order.Length; rank++)
            {
                if (labels[order[rank]])
                {
                    truePositives++;
                    sum += (double)truePositives / (rank + 1);
                }
            }
            return sum / positives;
        }
    }
}
