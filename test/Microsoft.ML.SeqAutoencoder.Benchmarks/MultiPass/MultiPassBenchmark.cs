using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Harness;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Speed;
using Microsoft.ML.SeqAutoencoder.MLNet;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.MultiPass
{
    /// <summary>
    /// A multi-pass ML.NET trainer after an LSTM stage, as a new user writes it: <c>EncodeSequences</c> →
    /// <c>NormalizeMeanVariance</c> → <c>SdcaMaximumEntropy</c> (ML.NET's usual multiclass trainer; it reads its data
    /// thousands of times on small sets). The two stages after the encoder are fitted without a cache and with
    /// <c>AppendCacheCheckpoint</c>, on a few hundred and on many rows; for reference, the same SDCA on the same
    /// encodings held in a plain in-memory view (no LSTM involved), and, on small row counts, the library without its
    /// output cache (budget 0: every pass runs the network, as before the cache), and with ML.NET's own cache placed where the
    /// library's view is (under the normalizer): the best any cache at that place can do, since SDCA's passes still run the
    /// normalizer on every row. Then the memory the cache costs: peak RSS
    /// of one lazy scoring pass over 10k and 1M rows, in fresh processes, with the default budget and with none.
    /// </summary>
    internal sealed class MultiPassBenchmark : IBenchmark
    {
        private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(30);

        public string Name => "multipass";

        public string Description => "SDCA after EncodeSequences: Fit without a cache vs AppendCacheCheckpoint; memory of the output cache";

        public string Usage => string.Join(Environment.NewLine,
            "multipass [--rows 300,100000] [--steps 96] [--epochs 3] [--baseline-max-rows 1000] [--memory-rows 1000000]",
            "  --rows N,...        row counts of the SDCA runs (generated sequences of --steps steps, 3 classes)",
            "  --epochs N          epochs of the encoder (its Fit is not timed)",
            "  --baseline-max-rows N   also fit with the output cache off, on row counts up to N (slow: every SDCA pass runs the LSTM; 0: never)",
            "  --memory-rows N     rows of the large lazy scoring run (0 skips the memory part)");

        public int Run(BenchmarkArguments arguments)
        {
            int[] sizes = arguments.String("rows", "300,100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            int steps = arguments.Int("steps", 96, 2);
            int epochs = arguments.Int("epochs", 3, 1);
            int baselineMaxRows = arguments.Int("baseline-max-rows", 1000, 0);
            int memoryRows = arguments.Int("memory-rows", 1_000_000, 0);
            arguments.ThrowOnUnknown();

            var report = new MarkdownReport(Name, $"multipass --rows {string.Join(",", sizes)} --steps {steps} --epochs {epochs} --baseline-max-rows {baselineMaxRows} --memory-rows {memoryRows}");
            report.Add($"Output cache budget: {OutputCacheBudget.Default()}.");
            report.Add();
            report.Add("| rows | what SDCA reads | fit seconds (normalizer + SDCA) | encoder forward passes | cursors on the source | output cache kept MiB (limit) |");
            report.Add("| ---: | --- | ---: | ---: | ---: | ---: |");
            foreach (int rows in sizes)
            {
                foreach (string line in FitRows(rows, steps, epochs, rows <= baselineMaxRows))
                    report.Measured(line);
            }

            if (memoryRows > 0)
            {
                report.Add();
                report.Add("| lazy scoring of | output cache | peak RSS MiB | RSS before MiB | seconds |");
                report.Add("| ---: | --- | ---: | ---: | ---: |");
                foreach (long rows in new[] { 10_000L, memoryRows })
                {
                    foreach (string budget in new[] { null, "0" })
                    {
                        var variables = new Dictionary<string, string>();
                        if (budget != null)
                            variables[OutputCacheBudget.EnvironmentVariable] = budget;
                        string json = ChildProcess.Run(new[] { "speed", "--child", "rss", "--shape", "a", "--rows", rows.ToString(CultureInfo.InvariantCulture), "--seed", "1" },
                            new[] { OutputCacheBudget.EnvironmentVariable }, variables, ChildTimeout);
                        var result = JsonSerializer.Deserialize<SpeedChildResult>(json);
                        string line = $"| {rows:N0} rows (shape a) | {(budget == null ? $"default ({OutputCacheBudget.Default()})" : "off")} | " +
                            $"{result.PeakRssKiB / 1024} | {result.RssBeforeKiB / 1024} | {result.TotalMilliseconds / 1000:F1} |";
                        report.Measured(line);
                    }
                }
            }
            report.Finish();
            return 0;
        }

        private static IEnumerable<string> FitRows(int rows, int steps, int epochs, bool baseline)
        {
            var ml = new MLContext(seed: 1);
            var data = Rows(rows, steps).ToList();
            var source = new CountingDataView(ml.Data.LoadFromEnumerable(data));
            using var encoder = ml.Transforms.EncodeSequences(new SequenceEncodingOptions
            {
                InputColumnName = nameof(Row.Values), FeaturesPerStep = 1, Epochs = epochs, Seed = 1,
            }).Fit(source);
            OutputCacheBudget defaultBudget = encoder.OutputCacheBudget;

            var runs = new List<(string What, OutputCacheBudget Budget, bool Checkpoint, bool CacheBefore)>
            {
                ("no cache", defaultBudget, false, false),
                ("AppendCacheCheckpoint", defaultBudget, true, false),
                ("ML.NET's cache under the normalizer (`mlContext.Data.Cache` of the encoder's view): what any cache there can do", defaultBudget, false, true),
            };
            if (baseline)
                runs.Add(("no cache, the library's output cache off", OutputCacheBudget.Off, false, false));
            foreach (var (what, budget, checkpoint, cacheBefore) in runs)
            {
                encoder.OutputCacheBudget = budget;
                long passes = encoder.Model.ForwardPasses;
                int cursors = source.Cursors;
                IDataView view = encoder.Transform(source);
                double seconds = FitTail(ml, cacheBefore ? ml.Data.Cache(view) : view, checkpoint);
                var cache = ((LookAheadDataView)view).Cache;
                string kept = budget.IsOff ? "–" : $"{cache.Bytes / 1048576.0:F1} ({(cache.GaveUp ? "gave up" : $"{cache.Limit / 1048576.0:F0}")})";
                yield return $"| {rows:N0} | {what} | {seconds:F2} | {encoder.Model.ForwardPasses - passes} | {source.Cursors - cursors} | {kept} |";
            }
            encoder.OutputCacheBudget = defaultBudget;

            // The same SDCA on the same encodings in a plain in-memory view: what ML.NET itself costs.
            var encodings = encoder.Transform(source).GetColumn<float[]>("Encoding").ToArray();
            var plain = ml.Data.LoadFromEnumerable(data.Select((r, i) => new EncodedRow { Label = r.Label, Encoding = encodings[i] }).ToList(),
                SchemaFor(encodings[0].Length));
            yield return $"| {rows:N0} | the encodings in memory (LoadFromEnumerable), no cache | {FitTail(ml, plain, false):F2} | – | – | – |";
            yield return $"| {rows:N0} | the encodings in memory (LoadFromEnumerable), AppendCacheCheckpoint | {FitTail(ml, plain, true):F2} | – | – | – |";
        }

        private static double FitTail(MLContext ml, IDataView data, bool checkpoint)
        {
            IEstimator<ITransformer> tail = ml.Transforms.NormalizeMeanVariance("Encoding");
            if (checkpoint)
                tail = tail.AppendCacheCheckpoint(ml);
            tail = tail.Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("Label", "Encoding"));
            GC.Collect();
            var clock = Stopwatch.StartNew();
            tail.Fit(data);
            return clock.Elapsed.TotalSeconds;
        }

        private static SchemaDefinition SchemaFor(int encodingSize)
        {
            var schema = SchemaDefinition.Create(typeof(EncodedRow));
            schema[nameof(EncodedRow.Encoding)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, encodingSize);
            return schema;
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
                    Label = (uint)label + 1,
                    Values = Enumerable.Range(0, steps).Select(t => (float)(Math.Sin(f * t + phase) + 0.1 * random.NextDouble())).ToArray(),
                };
            }
        }

        private sealed class Row
        {
            [KeyType(3)]
            public uint Label { get; set; }

            [VectorType]
            public float[] Values { get; set; }
        }

        private sealed class EncodedRow
        {
            [KeyType(3)]
            public uint Label { get; set; }

            public float[] Encoding { get; set; }
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
