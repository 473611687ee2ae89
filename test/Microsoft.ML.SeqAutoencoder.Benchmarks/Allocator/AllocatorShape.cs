using System;
using System.Collections.Generic;
using System.Linq;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Allocator
{
    /// <summary>
    /// One training problem of the allocator benchmark: sequence length T, features F, hidden size H (one LSTM
    /// layer each side, encoding size H) and batch size B.
    /// </summary>
    internal sealed class AllocatorShape
    {
        /// <summary>Batches per epoch: the data set holds this many batches of sequences.</summary>
        public const int BatchesPerEpoch = 4;

        private AllocatorShape(string name, int steps, int features, int hidden, int batchSize)
        {
            Name = name;
            Steps = steps;
            Features = features;
            Hidden = hidden;
            BatchSize = batchSize;
        }

        /// <summary>The shapes the benchmark knows, by name.</summary>
        public static IReadOnlyList<AllocatorShape> All { get; } = new[]
        {
            new AllocatorShape("a", steps: 64, features: 1, hidden: 64, batchSize: 64),
            new AllocatorShape("b", steps: 100, features: 38, hidden: 128, batchSize: 128),
            new AllocatorShape("c", steps: 512, features: 1, hidden: 32, batchSize: 32),
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

        /// <summary>Looks a shape up by name.</summary>
        public static AllocatorShape Find(string name)
            => All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"Unknown shape '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}.");
    }
}
