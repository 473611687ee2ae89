using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Harness
{
    /// <summary>
    /// One training problem of the allocator and speed benchmarks: sequence length T, features F, hidden size H (one LSTM
    /// layer each side, encoding size H) and batch size B.
    /// </summary>
    internal sealed class BenchmarkShape
    {
        /// <summary>Batches per epoch: the data set holds this many batches of sequences.</summary>
        public const int BatchesPerEpoch = 4;

        private BenchmarkShape(string name, int steps, int features, int hidden, int batchSize)
        {
            Name = name;
            Steps = steps;
            Features = features;
            Hidden = hidden;
            BatchSize = batchSize;
        }

        /// <summary>The shapes the benchmark knows, by name.</summary>
        public static IReadOnlyList<BenchmarkShape> All { get; } = new[]
        {
            new BenchmarkShape("a", steps: 64, features: 1, hidden: 64, batchSize: 64),
            new BenchmarkShape("b", steps: 100, features: 38, hidden: 128, batchSize: 128),
            new BenchmarkShape("c", steps: 512, features: 1, hidden: 32, batchSize: 32),
        };

        /// <summary>Short name used on the command line and in the tables.</summary>
        public string Name { get; }

        /// <summary>T.</summary>
        public int Steps { get; }

        /// <summary>F.</summary>
        public int Features { get; }

        /// <summary>H, also the encoding size.</summary>
        public int Hidden { get; }

        /// <summary>B.</summary>
        public int BatchSize { get; }

        /// <summary>Number of training sequences: <see cref="BatchesPerEpoch"/> full batches.</summary>
        public int Sequences => BatchesPerEpoch * BatchSize;

        /// <summary>"T=64 F=1 H=64 B=64".</summary>
        public string Label => $"T={Steps} F={Features} H={Hidden} B={BatchSize}";

        /// <summary>
        /// The training data of every benchmark child: <see cref="Sequences"/> rows of T·F independent standard
        /// normal values (step-major), seeded, so the library, the raw TorchSharp loop and ML.NET's Fit see the same numbers.
        /// </summary>
        public float[][] RandomRows(int seed, int? count = null)
        {
            var random = new Random(seed);
            var rows = new float[count ?? Sequences][];
            for (int s = 0; s < rows.Length; s++)
            {
                var values = new float[Steps * Features];
                for (int i = 0; i < values.Length; i++)
                {
                    // Box-Muller.
                    double u = 1.0 - random.NextDouble();
                    double v = random.NextDouble();
                    values[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2 * Math.PI * v));
                }
                rows[s] = values;
            }
            return rows;
        }

        /// <summary>
        /// Multiply-add FLOPs of one training step, counted as 3× the forward pass's matrix products (forward,
        /// gradient of the inputs, gradient of the weights): encoder input and recurrent products, decoder input and
        /// recurrent products (the code repeated over T steps is multiplied at every step), output layer.
        /// Element-wise work (gates, loss, Adam) is left out.
        /// </summary>
        public double TrainingFlopsPerStep()
        {
            double b = BatchSize, t = Steps, f = Features, h = Hidden;
            double forward = 2 * b * t * (f * 4 * h + h * 4 * h + h * 4 * h + h * 4 * h + h * f);
            return 3 * forward;
        }

        /// <summary>Looks a shape up by name.</summary>
        public static BenchmarkShape Find(string name)
            => All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"Unknown shape '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}.");
    }
}
