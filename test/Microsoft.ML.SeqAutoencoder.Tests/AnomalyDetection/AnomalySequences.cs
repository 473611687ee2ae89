using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.SeqAutoencoder.Tests.AnomalyDetection
{
    /// <summary>A sequence row with a Single 0/1 anomaly label, as <c>AnomalyDetection.Evaluate</c> expects.</summary>
    public sealed class AnomalyRow
    {
        public float[] Features { get; set; }

        public float Label { get; set; }
    }

    /// <summary>The kinds of anomaly injected into the synthetic sine windows.</summary>
    public enum InjectedAnomaly
    {
        None,
        Spike,
        LevelShift,
        FrequencyChange,
    }

    /// <summary>
    /// Seeded sine windows (T steps, F features; feature j is a phase-shifted copy, optionally a constant) with
    /// small noise, and the same windows with a spike, a level shift or a frequency change in feature 0.
    /// </summary>
    internal static class AnomalySequences
    {
        public static List<AnomalyRow> Generate(int normal, int anomalies, int steps, int features = 1, int seed = 0,
            double magnitude = 1, bool constantSecondFeature = false)
        {
            var random = new Random(seed);
            var rows = new List<AnomalyRow>();
            var kinds = new[] { InjectedAnomaly.Spike, InjectedAnomaly.LevelShift, InjectedAnomaly.FrequencyChange };
            for (int n = 0; n < normal + anomalies; n++)
            {
                var kind = n < normal ? InjectedAnomaly.None : kinds[(n - normal) % kinds.Length];
                rows.Add(new AnomalyRow { Features = Window(random, steps, features, kind, magnitude, constantSecondFeature), Label = n < normal ? 0 : 1 });
            }
            // Shuffle so that anomalies are spread through the data.
            return rows.OrderBy(_ => random.Next()).ToList();
        }

        private static float[] Window(Random random, int steps, int features, InjectedAnomaly kind, double magnitude, bool constantSecondFeature)
        {
            double frequency = 0.3 + 0.15 * random.NextDouble();
            double phase = 2 * Math.PI * random.NextDouble();
            double amplitude = 0.8 + 0.4 * random.NextDouble();
            int at = steps / 4 + random.Next(steps / 2);
            var values = new float[steps * features];
            for (int t = 0; t < steps; t++)
            {
                double f0 = kind == InjectedAnomaly.FrequencyChange && t >= at ? frequency * 2.5 : frequency;
                double theta = kind == InjectedAnomaly.FrequencyChange && t >= at ? f0 * (t - at) + frequency * at : frequency * t;
                for (int j = 0; j < features; j++)
                {
                    double v = amplitude * Math.Sin(theta + phase + 0.8 * j) + 0.05 * Gaussian(random);
                    if (j == 1 && constantSecondFeature)
                        v = 0.5;
                    if (j == 0 && kind == InjectedAnomaly.Spike && t == at)
                        v += 2.5 * magnitude;
                    if (j == 0 && kind == InjectedAnomaly.LevelShift && t >= at)
                        v += 1.2 * magnitude;
                    values[t * features + j] = (float)v;
                }
            }
            return values;
        }

        private static double Gaussian(Random random)
            => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

        /// <summary>Loads rows with a known-size Features column of <paramref name="size"/> values.</summary>
        public static IDataView Load(MLContext ml, IEnumerable<AnomalyRow> rows, int size)
        {
            var definition = SchemaDefinition.Create(typeof(AnomalyRow));
            definition[nameof(AnomalyRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
            return ml.Data.LoadFromEnumerable(rows, definition);
        }
    }
}
