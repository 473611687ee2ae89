using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Torch;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Torch
{
    /// <summary>
    /// The memory model of Fit: rows in chunks (only the last one grows), every row one span, a documented limit reached
    /// with a clear error, and windows of a series as views rather than copies. Small chunk sizes and limits are injected.
    /// </summary>
    public sealed class SequenceSetTests
    {
        private static float[] Row(Random random, int steps, int f)
            => Enumerable.Range(0, steps * f).Select(_ => (float)random.NextDouble()).ToArray();

        [Fact]
        public void RowsGoIntoChunksThatOnlyGrowAtTheEndAndReadBackExactly()
        {
            const int f = 2, chunk = 100;
            var random = new Random(5);
            var set = new SequenceSet(f, targetSteps: 1, chunkValues: chunk, maxValues: long.MaxValue);
            var rows = new List<float[]>();
            for (int i = 0; i < 1000; i++)
            {
                // Mostly short rows, some longer than a chunk (they get a chunk of their own).
                int steps = i % 97 == 0 ? 80 : 2 + random.Next(20);
                rows.Add(Row(random, steps, f));
                set.Add(rows[^1]);
            }

            Assert.Equal(1000, set.Count);
            Assert.Equal(rows.Sum(r => (long)r.Length), set.TotalValues);
            for (int i = 0; i < rows.Count; i++)
            {
                Assert.Equal(rows[i].Length / f - 1, set.Length(i));
                Assert.Equal(rows[i][..^f], set.Get(i).ToArray());
                Assert.Equal(rows[i][^f..], set.GetTarget(i).ToArray());
            }
            // Many chunks, none much larger than the chunk size unless one row is; waste at most one row per chunk.
            Assert.True(set.ChunkCount > set.TotalValues / chunk, $"{set.ChunkCount} chunks for {set.TotalValues} values");
            Assert.True(set.AllocatedValues <= set.TotalValues + (long)set.ChunkCount * 2 * 21, $"{set.AllocatedValues} floats allocated for {set.TotalValues}");
        }

        [Fact]
        public void PastTheLimitAddThrowsAClearErrorAndKeepsTheRowsItHas()
        {
            var set = new SequenceSet(3, targetSteps: 0, chunkValues: 64, maxValues: 300);
            var random = new Random(6);
            for (int i = 0; i < 10; i++)
                set.Add(Row(random, 10, 3));
            var e = Assert.Throws<InvalidOperationException>(() => set.Add(Row(random, 1, 3)));
            Assert.Contains("10 rows, 300 values", e.Message);
            Assert.Contains("limit of 300 values", e.Message);
            Assert.Contains("sample", e.Message);
            Assert.Equal(10, set.Count);
            Assert.Equal(300, set.TotalValues);
        }

        [Fact]
        public void DefaultLimitIsFarPastWhatOneArrayCouldHold()
        {
            // The set itself no longer has the 2^31-element ceiling of one float[]: offsets are per chunk, totals long.
            Assert.True(SequenceSet.DefaultMaxValues > int.MaxValue);
            Assert.Equal(1 << 22, SequenceSet.DefaultChunkValues);
        }

        [Fact]
        public void ViewsAreStepRangesOfRowsWithoutACopy()
        {
            const int f = 2;
            var random = new Random(7);
            var series = new SequenceSet(f, targetSteps: 0, chunkValues: 64, maxValues: long.MaxValue);
            float[] a = Row(random, 30, f), b = Row(random, 12, f);
            series.Add(a);
            series.Add(b);
            long allocated = series.AllocatedValues;

            // Spans of 5 steps, the last 2 a forecast target, at (row, first step) = (0, 0), (0, 7), (1, 3).
            var at = new[] { (0, 0), (0, 7), (1, 3) };
            var views = series.Views(at.Length, k => at[k].Item1, k => at[k].Item2, steps: 5, targetSteps: 2);
            Assert.Equal(3, views.Count);
            Assert.Equal(2, views.TargetSteps);
            Assert.Equal(allocated, series.AllocatedValues);
            Assert.Equal(allocated, views.AllocatedValues); // the same chunks
            float[][] source = { a, b };
            for (int k = 0; k < at.Length; k++)
            {
                var (row, first) = at[k];
                Assert.Equal(3, views.Length(k));
                Assert.Equal(source[row].AsSpan(first * f, 3 * f).ToArray(), views.Get(k).ToArray());
                Assert.Equal(source[row].AsSpan((first + 3) * f, 2 * f).ToArray(), views.GetTarget(k).ToArray());
            }
        }
    }
}
