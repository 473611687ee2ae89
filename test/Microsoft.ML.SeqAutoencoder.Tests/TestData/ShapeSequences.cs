using System;
using System.Collections.Generic;
using Microsoft.ML.Data;

namespace Microsoft.ML.SeqAutoencoder.Tests.TestData
{
    /// <summary>A row of a two-class sequence set: slow (label 0) and fast (label 1) noisy oscillations.</summary>
    public sealed class ShapeRow
    {
        public const int Steps = 32;

        [VectorType(Steps)]
        public float[] Sequence { get; set; }

        public float Label { get; set; }

        /// <summary>
        /// <paramref name="count"/> rows, classes alternating: random phase, amplitude and noise; the classes
        /// differ in frequency range. Random phases keep raw values from being linearly separable.
        /// </summary>
        public static List<ShapeRow> Generate(int count, int seed)
        {
            var random = new Random(seed);
            var rows = new List<ShapeRow>(count);
            for (int i = 0; i < count; i++)
            {
                int label = i % 2;
                double frequency = label == 0 ? 0.2 + 0.15 * random.NextDouble() : 0.5 + 0.15 * random.NextDouble();
                double phase = 2 * Math.PI * random.NextDouble();
                double amplitude = 0.7 + 0.6 * random.NextDouble();
                var values = new float[Steps];
                for (int t = 0; t < Steps; t++)
                {
                    values[t] = (float)(amplitude * Math.Sin(frequency * t + phase) + 0.1 * (random.NextDouble() - 0.5));
                }
                rows.Add(new ShapeRow { Sequence = values, Label = label });
            }
            return rows;
        }
    }

    /// <summary>A row with a variable-length sequence of 2 features per step.</summary>
    public sealed class RaggedRow
    {
        [VectorType]
        public float[] Sequence { get; set; }

        public static List<RaggedRow> Generate(int count, int seed)
        {
            var random = new Random(seed);
            var rows = new List<RaggedRow>(count);
            for (int i = 0; i < count; i++)
            {
                int steps = 4 + random.Next(20);
                var values = new float[steps * 2];
                double phase = random.NextDouble() * 6;
                for (int t = 0; t < steps; t++)
                {
                    values[2 * t] = (float)Math.Sin(0.4 * t + phase);
                    values[2 * t + 1] = (float)Math.Cos(0.4 * t + phase);
                }
                rows.Add(new RaggedRow { Sequence = values });
            }
            return rows;
        }
    }
}
