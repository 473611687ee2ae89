using System.Collections.Generic;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Harness;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Speed
{
    /// <summary>
    /// Rows of one shape as an <see cref="IDataView"/>: a known-size <c>Features</c> vector of T·F values. Built over an
    /// <see cref="IEnumerable{T}"/>, so the view is streaming: rows are produced while a cursor moves, never stored.
    /// </summary>
    internal static class RowSource
    {
        /// <summary>One row: T·F values, step-major.</summary>
        public sealed class Row
        {
            /// <summary>The sequence.</summary>
            public float[] Features { get; set; }
        }

        /// <summary>The schema of <see cref="Row"/> with the vector size of <paramref name="shape"/>.</summary>
        public static SchemaDefinition Schema(BenchmarkShape shape)
        {
            SchemaDefinition schema = SchemaDefinition.Create(typeof(Row));
            schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, shape.Steps * shape.Features);
            return schema;
        }

        /// <summary>A streaming view over <paramref name="rows"/> (enumerated again by every cursor).</summary>
        public static IDataView Load(MLContext mlContext, BenchmarkShape shape, IEnumerable<float[]> rows)
            => mlContext.Data.LoadFromEnumerable(Wrap(rows), Schema(shape));

        /// <summary>
        /// <paramref name="count"/> rows taken from <paramref name="pool"/> round and round, generated lazily (an
        /// endless source when <paramref name="count"/> is <see cref="long.MaxValue"/>).
        /// </summary>
        public static IEnumerable<float[]> Cycle(float[][] pool, long count)
        {
            for (long i = 0; i < count; i++)
                yield return pool[i % pool.Length];
        }

        private static IEnumerable<Row> Wrap(IEnumerable<float[]> rows)
        {
            foreach (float[] values in rows)
                yield return new Row { Features = values };
        }
    }

    /// <summary>What a training loop measured.</summary>
    /// <param name="StepMilliseconds">Every step, ms.</param>
    /// <param name="TotalMilliseconds">The whole training, ms.</param>
    /// <param name="FinalLoss">Loss of the last step (to show the loop really trains).</param>
    internal sealed record TrainingRun(double[] StepMilliseconds, double TotalMilliseconds, float FinalLoss);
}
