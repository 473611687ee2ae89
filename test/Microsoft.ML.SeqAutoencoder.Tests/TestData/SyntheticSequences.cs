using System;
using System.Collections.Generic;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.Tests.TestData
{
    /// <summary>Small seeded sequence sets for tests: sine mixtures, their continuations, multivariate mixes.</summary>
    internal static class SyntheticSequences
    {
        /// <summary>
        /// <paramref name="count"/> sequences of <paramref name="steps"/> + <paramref name="future"/> steps of
        /// a two-sine mixture with random amplitudes, frequencies and phases, split into input and future.
        /// With <paramref name="features"/> &gt; 1, feature j is a phase-shifted, scaled copy plus a small offset.
        /// </summary>
        public static (SequenceSet Inputs, SequenceSet Future) SineMixtures(int count, int steps, int future = 0, int features = 1, int seed = 0)
        {
            var random = new Random(seed);
            var inputs = new SequenceSet(features);
            var futures = future > 0 ? new SequenceSet(features) : null;
            for (int n = 0; n < count; n++)
            {
                double a1 = 0.5 + random.NextDouble();
                double a2 = 0.2 + 0.5 * random.NextDouble();
                double f1 = 0.15 + 0.25 * random.NextDouble();
                double f2 = 0.5 + 0.4 * random.NextDouble();
                double p1 = 2 * Math.PI * random.NextDouble();
                double p2 = 2 * Math.PI * random.NextDouble();
                float[] all = new float[(steps + future) * features];
                for (int t = 0; t < steps + future; t++)
                {
                    for (int j = 0; j < features; j++)
                    {
                        double shift = 0.7 * j;
                        all[t * features + j] = (float)((1 - 0.2 * j) * a1 * Math.Sin(f1 * t + p1 + shift) + a2 * Math.Sin(f2 * t + p2) + 0.3 * j);
                    }
                }
                inputs.Add(all.AsSpan(0, steps * features));
                futures?.Add(all.AsSpan(steps * features));
            }
            return (inputs, futures);
        }

        /// <summary>Population variance of all values of <paramref name="rows"/>.</summary>
        public static double Variance(IEnumerable<float[]> rows)
        {
            double sum = 0, sumSquares = 0;
            long n = 0;
            foreach (float[] row in rows)
            {
                foreach (float v in row)
                {
                    sum += v;
                    sumSquares += (double)v * v;
                    n++;
                }
            }
            double mean = sum / n;
            return sumSquares / n - mean * mean;
        }

        /// <summary>Mean squared difference between matching rows.</summary>
        public static double MeanSquaredError(IReadOnlyList<float[]> expected, IReadOnlyList<float[]> actual)
        {
            double total = 0;
            long n = 0;
            for (int i = 0; i < expected.Count; i++)
            {
                if (expected[i].Length != actual[i].Length)
                    throw new InvalidOperationException($"Row {i}: {expected[i].Length} expected values, {actual[i].Length} actual.");
                for (int k = 0; k < expected[i].Length; k++)
                {
                    double d = expected[i][k] - actual[i][k];
                    total += d * d;
                    n++;
                }
            }
            return total / n;
        }

        /// <summary>The rows of a set as arrays.</summary>
        public static float[][] Rows(SequenceSet set)
        {
            var rows = new float[set.Count][];
            for (int i = 0; i < rows.Length; i++)
                rows[i] = set.Get(i).ToArray();
            return rows;
        }
    }
}
