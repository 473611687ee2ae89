using System;
using System.Collections.Generic;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.TestData
{
    /// <summary>
    /// How tests compare outputs computed in different batches (a Transform pass, a PredictionEngine, an online engine,
    /// ML.NET's own row-by-row scorer). libtorch picks its CPU kernels by shape, and other machines have other
    /// instruction sets, so the same inputs give the same outputs up to float rounding, not bit for bit: values agree
    /// within <see cref="Tolerance"/> (relative, absolute below 1), and a decision taken on a value (an alert, a label)
    /// is compared only where the value is farther than that from the decision's threshold. Outputs of the same batches
    /// (a cached pass, a reloaded model in another process) are still compared exactly.
    /// </summary>
    internal static class Parity
    {
        /// <summary>Relative tolerance (absolute for magnitudes below 1); libtorch's batch-size rounding is ~1e-7.</summary>
        public const double Tolerance = 1e-5;

        /// <summary>Whether <paramref name="actual"/> equals <paramref name="expected"/> within <see cref="Tolerance"/> (infinities and NaN exactly).</summary>
        public static bool Close(double expected, double actual)
            => expected.Equals(actual) || Math.Abs(expected - actual) <= Tolerance * Math.Max(1, Math.Abs(expected));

        /// <summary>Whether a decision "value &gt; threshold" can be compared: <paramref name="value"/> is clear of <paramref name="threshold"/>.</summary>
        public static bool ClearOf(double value, double threshold) => !Close(threshold, value);

        public static void AssertClose(double expected, double actual, string where)
            => Assert.True(Close(expected, actual), $"{where}: {expected:R} vs {actual:R}");

        public static void AssertClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual, string what = "value")
        {
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
                AssertClose(expected[i], actual[i], $"{what} {i}");
        }

        public static void AssertClose(IReadOnlyList<double> expected, IReadOnlyList<double> actual, string what = "value")
        {
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
                AssertClose(expected[i], actual[i], $"{what} {i}");
        }

        /// <summary>
        /// Rows of a streaming detector's Prediction column (alert, raw score, p-value) computed in other batches: raw
        /// scores within the tolerance; the p-value (a rank among the sorted held-out scores <paramref name="heldOut"/>)
        /// equal, or apart by the held-out scores inside the tolerance band of the raw score; each alert that of its own
        /// p-value, and equal to the other's when both p-values are equal.
        /// </summary>
        public static void AssertDetectorRows(IReadOnlyList<double[]> expected, IReadOnlyList<double[]> actual, IReadOnlyList<double> heldOut, double alpha, int first = 0)
        {
            for (int i = first; i < expected.Count; i++)
            {
                double[] e = expected[i], a = actual[i];
                string where = $"row {i}";
                Assert.Equal(3, a.Length);
                AssertClose(e[1], a[1], $"{where} raw score");
                if (e[2] != a[2])
                {
                    int inBand = 0;
                    foreach (double s in heldOut)
                    {
                        if (Close(s, e[1]) || Close(s, a[1]))
                            inBand++;
                    }
                    Assert.True(Math.Abs(e[2] - a[2]) * (1 + heldOut.Count) <= inBand + 1e-9, $"{where}: p-value {e[2]:R} vs {a[2]:R} with {inBand} held-out scores near {e[1]:R}");
                    Assert.Equal(a[2] < alpha ? 1.0 : 0.0, a[0]);
                }
                else
                {
                    Assert.Equal(e[0], a[0]);
                }
            }
        }
    }
}
