using System;
using System.Collections.Generic;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.Training
{
    /// <summary>
    /// How a training loop walks its sequences: the seeded validation split and each epoch's batches, shared by the
    /// autoencoder and the classifier trainers. All randomness comes from the <see cref="Random"/> passed in.
    /// </summary>
    internal static class BatchPlan
    {
        /// <summary>Sequences of similar length are batched together from pools of this many batches.</summary>
        private const int LengthPoolBatches = 32;

        /// <summary>
        /// Shuffles a copy of <paramref name="rows"/> with <paramref name="random"/> and splits it into the validation rows
        /// (the first round(count · fraction), at least 1 and at most count − 1 when the fraction is positive) and the rest.
        /// </summary>
        public static (int[] Training, int[] Validation) Split(int[] rows, double validationFraction, Random random)
        {
            int count = rows.Length;
            var order = (int[])rows.Clone();
            Shuffle(order, random);
            int validationCount = validationFraction <= 0 || count < 2
                ? 0
                : Math.Clamp((int)Math.Round(count * validationFraction), 1, count - 1);
            return (order[validationCount..], order[..validationCount]);
        }

        /// <summary>
        /// Shuffles <paramref name="indices"/> in place and returns the epoch's batches over it. With
        /// sequences of different lengths, each pool of batches is sorted by length first (less padding)
        /// and the batch order is shuffled again.
        /// </summary>
        public static List<(int Start, int Count)> Batches(SequenceSet inputs, int[] indices, int batchSize, Random random)
        {
            Shuffle(indices, random);
            if (!inputs.IsUniform)
            {
                int pool = batchSize * LengthPoolBatches;
                for (int start = 0; start < indices.Length; start += pool)
                {
                    int count = Math.Min(pool, indices.Length - start);
                    Array.Sort(indices, start, count, Comparer<int>.Create((a, b) => inputs.Length(a).CompareTo(inputs.Length(b))));
                }
            }
            var batches = new List<(int, int)>();
            for (int start = 0; start < indices.Length; start += batchSize)
                batches.Add((start, Math.Min(batchSize, indices.Length - start)));
            if (!inputs.IsUniform)
                Shuffle(batches, random);
            return batches;
        }

        /// <summary>Fisher–Yates shuffle in place.</summary>
        public static void Shuffle<T>(IList<T> items, Random random)
        {
            for (int i = items.Count - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (items[i], items[j]) = (items[j], items[i]);
            }
        }
    }
}
