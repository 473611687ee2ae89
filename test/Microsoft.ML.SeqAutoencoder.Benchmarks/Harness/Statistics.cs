using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Harness
{
    /// <summary>Order statistics of a sample (timings are skewed by load spikes: medians, not means).</summary>
    internal sealed class Statistics
    {
        private Statistics(double[] sorted)
        {
            Count = sorted.Length;
            Min = sorted[0];
            Max = sorted[^1];
            P10 = Quantile(sorted, 0.10);
            Median = Quantile(sorted, 0.50);
            P90 = Quantile(sorted, 0.90);
        }

        public int Count { get; }

        public double Min { get; }

        public double P10 { get; }

        public double Median { get; }

        public double P90 { get; }

        public double Max { get; }

        /// <summary>Statistics of <paramref name="samples"/>; throws when there is none.</summary>
        public static Statistics Of(IEnumerable<double> samples)
        {
            double[] sorted = samples.OrderBy(x => x).ToArray();
            if (sorted.Length == 0)
                throw new ArgumentException("No samples.", nameof(samples));
            return new Statistics(sorted);
        }

        /// <summary>
        /// Quantile <paramref name="q"/> of an ascending sample, linear between the closest ranks
        /// (Hyndman and Fan type 7, the default of R and NumPy).
        /// </summary>
        public static double Quantile(IReadOnlyList<double> sorted, double q)
        {
            if (sorted.Count == 0)
                throw new ArgumentException("No samples.", nameof(sorted));
            if (q < 0 || q > 1)
                throw new ArgumentOutOfRangeException(nameof(q), q, "A quantile is in [0, 1].");
            double position = q * (sorted.Count - 1);
            int below = (int)Math.Floor(position);
            int above = Math.Min(below + 1, sorted.Count - 1);
            return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
        }

        /// <summary>Median of <paramref name="samples"/>.</summary>
        public static double MedianOf(IEnumerable<double> samples) => Of(samples).Median;
    }
}
