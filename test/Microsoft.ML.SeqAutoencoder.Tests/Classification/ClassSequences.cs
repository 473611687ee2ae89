using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.SeqAutoencoder.Tests.Classification
{
    /// <summary>A labeled sequence row: <see cref="Values"/> (T values, one feature per step) and a class name.</summary>
    public sealed class ClassRow
    {
        public float[] Values { get; set; }

        public string Label { get; set; }
    }

    /// <summary>
    /// Seeded sequences whose class is the frequency band of a noisy sine with random amplitude and phase: random phases
    /// keep the raw values from being linearly separable, so the class must be read from the shape.
    /// </summary>
    internal static class ClassSequences
    {
        /// <summary>Class names, in the order of their frequency bands.</summary>
        public static readonly string[] Names = { "slow", "medium", "fast" };

        private static readonly (double Low, double High)[] _bands = { (0.15, 0.3), (0.4, 0.55), (0.65, 0.8) };

        /// <summary><paramref name="count"/> rows of <paramref name="steps"/> steps, classes in turn.</summary>
        public static List<ClassRow> Generate(int count, int seed, int steps = 24, int classes = 3)
        {
            var random = new Random(seed);
            var rows = new List<ClassRow>(count);
            for (int i = 0; i < count; i++)
            {
                int label = i % classes;
                var (low, high) = _bands[label];
                rows.Add(new ClassRow { Values = Sine(random, low + (high - low) * random.NextDouble(), steps), Label = Names[label] });
            }
            return rows;
        }

        /// <summary>
        /// Unlabeled-style rows with variable lengths (<paramref name="minSteps"/>..<paramref name="maxSteps"/>), classes in turn.
        /// </summary>
        public static List<ClassRow> GenerateRagged(int count, int seed, int minSteps, int maxSteps)
        {
            var random = new Random(seed);
            var rows = new List<ClassRow>(count);
            for (int i = 0; i < count; i++)
            {
                int label = i % 2;
                var (low, high) = _bands[label == 0 ? 0 : 2];
                int steps = random.Next(minSteps, maxSteps + 1);
                rows.Add(new ClassRow { Values = Sine(random, low + (high - low) * random.NextDouble(), steps), Label = Names[label == 0 ? 0 : 2] });
            }
            return rows;
        }

        private static float[] Sine(Random random, double frequency, int steps)
        {
            double phase = 2 * Math.PI * random.NextDouble();
            double amplitude = 0.6 + 0.8 * random.NextDouble();
            double offset = 0.3 * (random.NextDouble() - 0.5);
            var values = new float[steps];
            for (int t = 0; t < steps; t++)
                values[t] = (float)(amplitude * Math.Sin(frequency * t + phase) + offset + 0.1 * (random.NextDouble() - 0.5));
            return values;
        }

        /// <summary>A view of <paramref name="rows"/> with Values as a vector of <paramref name="steps"/> Single, or of variable size with 0.</summary>
        public static IDataView Load(MLContext ml, IEnumerable<ClassRow> rows, int steps)
        {
            var definition = SchemaDefinition.Create(typeof(ClassRow));
            definition[nameof(ClassRow.Values)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, steps);
            return ml.Data.LoadFromEnumerable(rows.ToList(), definition);
        }
    }
}
