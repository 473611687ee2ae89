using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Harness;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.MultiPass
{
    /// <summary>
    /// A multi-pass ML.NET trainer after an LSTM stage: <c>EncodeSequences</c> → <c>NormalizeMeanVariance</c> →
    /// <c>SdcaMaximumEntropy</c>, fitted without a cache and with <c>AppendCacheCheckpoint</c>, on a few hundred and on
    /// many rows. Reports the seconds of the two stages' Fit, the encoder's forward passes and the source cursors.
    /// </summary>
    internal sealed class MultiPassBenchmark : IBenchmark
    {
        public string Name => "multipass";

        public string Description => "SDCA after EncodeSequences: Fit without a cache vs with AppendCacheCheckpoint (seconds, forward passes)";

        public string Usage => "multipass [--rows 300,100000] [--steps 96] [--epochs 3]";

        public int Run(BenchmarkArguments arguments)
        {
            int[] sizes = arguments.String("rows", "300,100000").Split(',').Select(int.Parse).ToArray();
            int steps = arguments.Int("steps", 96, 2);
            int epochs = arguments.Int("epochs", 3, 1);
            arguments.ThrowOnUnknown();
            Console.WriteLine(Quality.BenchmarkEnvironment.Describe());
            var table = new ResultTable("rows", "pipeline", "fit seconds", "forward passes", "source cursors", "peak RSS MiB");
            foreach (int rows in sizes)
            {
                var ml = new MLContext(seed: 1);
                var counting = new CountingDataView(ml.Data.LoadFromEnumerable(Rows(rows, steps)));
                using var encoder = ml.Transforms.EncodeSequences(new SequenceEncodingOptions
                {
                    InputColumnName = "Values", FeaturesPerStep = 1, Epochs = epochs, Seed = 1,
                }).Fit(counting);
                foreach (bool cache in new[] { false, true })
                {
                    IEstimator<ITransformer> tail = ml.Transforms.NormalizeMeanVariance("Encoding");
                    if (cache)
                        tail = tail.AppendCacheCheckpoint(ml);
                    tail = tail.Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Encoding"));
                    IDataView encoded = encoder.Transform(counting);
                    long passes = encoder.Model.ForwardPasses;
                    int cursors = counting.Cursors;
                    GC.Collect();
                    var clock = Stopwatch.StartNew();
                    tail.Fit(encoded);
                    clock.Stop();
                    string[] row =
                    {
                        rows.ToString(), cache ? "with AppendCacheCheckpoint" : "no cache", clock.Elapsed.TotalSeconds.ToString("F2"),
                        (encoder.Model.ForwardPasses - passes).ToString(), (counting.Cursors - cursors).ToString(),
                        (ProcessCounters.Read().PeakRssKiB / 1024).ToString(),
                    };
                    table.Add(row);
                    Console.WriteLine(string.Join(" | ", row));
                }
            }
            Console.WriteLine(table.ToMarkdown());
            return 0;
        }

        private static IEnumerable<Row> Rows(int count, int steps)
        {
            var random = new Random(7);
            for (int i = 0; i < count; i++)
            {
                int label = i % 3;
                double f = 0.1 + 0.1 * label, phase = random.NextDouble() * 6.28;
                yield return new Row
                {
                    Label = label,
                    Values = Enumerable.Range(0, steps).Select(t => (float)(Math.Sin(f * t + phase) + 0.1 * random.NextDouble())).ToArray(),
                };
            }
        }

        private sealed class Row
        {
            public float Label { get; set; }

            [VectorType]
            public float[] Values { get; set; }
        }

        /// <summary>The source view, counting the cursors opened on it.</summary>
        private sealed class CountingDataView : IDataView
        {
            private readonly IDataView _inner;
            private int _cursors;

            public CountingDataView(IDataView inner) => _inner = inner;

            public int Cursors => Volatile.Read(ref _cursors);

            public bool CanShuffle => _inner.CanShuffle;

            public DataViewSchema Schema => _inner.Schema;

            public long? GetRowCount() => _inner.GetRowCount();

            public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null)
            {
                Interlocked.Increment(ref _cursors);
                return _inner.GetRowCursor(columnsNeeded, rand);
            }

            public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null)
            {
                var set = _inner.GetRowCursorSet(columnsNeeded, n, rand);
                Interlocked.Add(ref _cursors, set.Length);
                return set;
            }
        }
    }
}
