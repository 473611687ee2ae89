using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.SeqAutoencoder.Tests.TimeSeries
{
    /// <summary>One row of a univariate time series.</summary>
    public sealed class SeriesRow
    {
        public float Value { get; set; }

        public float Index { get; set; }
    }

    /// <summary>An injected anomaly: rows [Start, End).</summary>
    internal sealed record InjectedAnomaly(string Kind, int Start, int End);

    /// <summary>A noisy periodic signal, with optional injected anomalies (spike, level shift, frequency change).</summary>
    internal static class SyntheticSeries
    {
        public const int Period = 24;
        public const double Noise = 0.05;

        /// <summary>Rows <paramref name="start"/>.. of the clean signal: sin(2πt/24) + 0.4·sin(4πt/24) + Gaussian noise.</summary>
        public static float[] Clean(int start, int count, int seed)
        {
            var random = new Random(seed);
            var values = new float[count];
            for (int i = 0; i < count; i++)
                values[i] = (float)(Value(start + i, Period) + Noise * Gaussian(random));
            return values;
        }

        /// <summary>
        /// The clean signal from row <paramref name="start"/> with a spike (+1 for one row), a level shift (+0.4
        /// for 30 rows) and a frequency change (half the period for 40 rows) injected, and where they are. The
        /// signal's peak-to-peak amplitude is about 2.6 and its noise 0.05.
        /// </summary>
        public static (float[] Values, InjectedAnomaly[] Anomalies) WithAnomalies(int start, int count, int seed)
        {
            float[] values = Clean(start, count, seed);
            var anomalies = new[]
            {
                new InjectedAnomaly("spike", count / 5, count / 5 + 1),
                new InjectedAnomaly("level shift", 2 * count / 5, 2 * count / 5 + 30),
                new InjectedAnomaly("frequency change", 3 * count / 5, 3 * count / 5 + 40),
            };
            values[anomalies[0].Start] += 1.0f;
            for (int i = anomalies[1].Start; i < anomalies[1].End; i++)
                values[i] += 0.4f;
            var random = new Random(seed + 1);
            for (int i = anomalies[2].Start; i < anomalies[2].End; i++)
                values[i] = (float)(Value(start + i, Period / 2.0) + Noise * Gaussian(random));
            return (values, anomalies);
        }

        /// <summary>1 for rows inside an anomaly.</summary>
        public static bool[] PointLabels(int count, IEnumerable<InjectedAnomaly> anomalies)
        {
            var labels = new bool[count];
            foreach (var a in anomalies)
            {
                for (int i = a.Start; i < a.End; i++)
                    labels[i] = true;
            }
            return labels;
        }

        /// <summary>1 for rows whose window (the <paramref name="windowSize"/> rows ending there) contains an anomalous row.</summary>
        public static bool[] WindowLabels(int count, IEnumerable<InjectedAnomaly> anomalies, int windowSize)
        {
            var labels = new bool[count];
            foreach (var a in anomalies)
            {
                for (int i = a.Start; i < Math.Min(count, a.End + windowSize - 1); i++)
                    labels[i] = true;
            }
            return labels;
        }

        public static SeriesRow[] Rows(float[] values)
            => values.Select((v, i) => new SeriesRow { Value = v, Index = i }).ToArray();

        private static double Value(int t, double period)
            => Math.Sin(2 * Math.PI * t / period) + 0.4 * Math.Sin(4 * Math.PI * t / period);

        private static double Gaussian(Random random)
            => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
    }
}
