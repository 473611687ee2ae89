using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.SeqAutoencoder.Tests.TestData
{
    /// <summary>Metrics that ML.NET's anomaly evaluator does not report.</summary>
    internal static class AnomalyMetrics
    {
        /// <summary>
        /// Area under the precision-recall curve as average precision: the sum over the positives, ranked by
        /// decreasing score, of the precision at each one, divided by the number of positives. Ties count pessimistically.
        /// </summary>
        public static double AucPr(IReadOnlyList<float> scores, IReadOnlyList<bool> labels)
            => AucPr(scores.Select(s => (double)s).ToArray(), labels);

        /// <inheritdoc cref="AucPr(IReadOnlyList{float}, IReadOnlyList{bool})"/>
        public static double AucPr(IReadOnlyList<double> scores, IReadOnlyList<bool> labels)
        {
            if (scores.Count != labels.Count)
                throw new ArgumentException("One label per score is needed.");
            int positives = labels.Count(l => l);
            if (positives == 0)
                throw new ArgumentException("No positive label.", nameof(labels));
            // Among equal scores, negatives first: the lowest precision the ranking allows.
            var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ThenBy(i => labels[i]).ToArray();
            double sum = 0;
            int truePositives = 0;
            for (int k = 0; k < order.Length; k++)
            {
                if (labels[order[k]])
                {
                    truePositives++;
                    sum += (double)truePositives / (k + 1);
                }
            }
            return sum / positives;
        }

        /// <summary>Fβ of predictions against labels (0 when nothing is predicted or nothing is positive).</summary>
        public static double FBeta(IReadOnlyList<bool> predicted, IReadOnlyList<bool> labels, double beta)
        {
            int tp = 0, fp = 0, fn = 0;
            for (int i = 0; i < labels.Count; i++)
            {
                if (predicted[i] && labels[i]) tp++;
                else if (predicted[i]) fp++;
                else if (labels[i]) fn++;
            }
            if (tp == 0)
                return 0;
            double precision = (double)tp / (tp + fp);
            double recall = (double)tp / (tp + fn);
            double b2 = beta * beta;
            return (1 + b2) * precision * recall / (b2 * precision + recall);
        }
    }
}
