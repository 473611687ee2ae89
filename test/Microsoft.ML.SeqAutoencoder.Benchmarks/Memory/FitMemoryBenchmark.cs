using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Harness;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Speed;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Memory
{
    /// <summary>
    /// Fit's memory against its input: peak resident memory of <c>EncodeSequences(...).Fit</c> and of the anomaly
    /// trainer's Fit on N streaming rows of shape a (64 steps × 1 feature: 256 bytes a row), each in a fresh process,
    /// measured as the growth of the peak over the process's resident memory once libtorch is loaded (a tiny Fit first).
    /// The yardstick: the data as Fit must hold it (N × 64 floats) plus the model's weights; the target is a growth within
    /// 1.5× of that. The "read" stage does only what every Fit does first (the rows into the training set), which tells
    /// the data's share of the growth from training's (libtorch and the allocators).
    /// </summary>
    internal sealed class FitMemoryBenchmark : IBenchmark
    {
        private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(40);

        public string Name => "fitmemory";

        public string Description => "peak RSS of Fit (encoder, anomaly trainer) against the input's size, 100k and 1M rows of shape a";

        public string Usage => string.Join(Environment.NewLine,
            "fitmemory [--rows 100000,1000000] [--stages read,encoder,anomaly] [--epochs 1]",
            "  --rows N,...      row counts (streamed from a generator: the input view holds nothing)",
            "  --stages ...      read: only the rows read into the training set (what every Fit holds); encoder: EncodeSequences;",
            "                    anomaly: AnomalyDetection.Trainers.LstmAutoencoder",
            "  --epochs N        training epochs",
            "  (child only) --diagnose  after Fit, print the managed heap, RSS after a full GC and after malloc_trim, live tensors");

        public int Run(BenchmarkArguments arguments)
        {
            string child = arguments.String("child", null);
            if (child != null)
                return RunChild(child, arguments);
            long[] sizes = arguments.String("rows", "100000,1000000").Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            string[] stages = arguments.String("stages", "read,encoder,anomaly").Split(',');
            int epochs = arguments.Int("epochs", 1, 1);
            arguments.ThrowOnUnknown();

            var report = new MarkdownReport(Name, $"fitmemory --rows {string.Join(",", sizes)} --stages {string.Join(",", stages)} --epochs {epochs}");
            report.Add("| stage | rows | data + model MiB | RSS before Fit MiB | peak RSS MiB | growth MiB | growth / (data + model) | Fit s |");
            report.Add("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (string stage in stages)
            {
                foreach (long rows in sizes)
                {
                    string json = ChildProcess.Run(new[] { "fitmemory", "--child", stage, "--rows", rows.ToString(CultureInfo.InvariantCulture), "--epochs", epochs.ToString(CultureInfo.InvariantCulture) },
                        Array.Empty<string>(), new Dictionary<string, string>(), ChildTimeout);
                    var r = JsonSerializer.Deserialize<FitMemoryResult>(json);
                    double yardstick = r.DataBytes + r.ModelBytes;
                    double growth = (r.PeakRssKiB - r.RssBeforeKiB) * 1024.0;
                    string line = $"| {stage} | {rows:N0} | {yardstick / (1 << 20):F1} | {r.RssBeforeKiB / 1024} | {r.PeakRssKiB / 1024} | {growth / (1 << 20):F1} | " +
                        $"{growth / yardstick:F2} | {r.FitSeconds:F1} |";
                    report.Measured(line);
                }
            }
            report.Finish();
            return 0;
        }

        private static int RunChild(string stage, BenchmarkArguments arguments)
        {
            long rows = arguments.Int("rows", 100_000, 1);
            int epochs = arguments.Int("epochs", 1, 1);
            bool diagnose = arguments.Flag("diagnose");
            arguments.ThrowOnUnknown();
            BenchmarkShape shape = BenchmarkShape.Find("a");
            var ml = new MLContext(seed: 1);
            float[][] pool = shape.RandomRows(2, 4096);

            // Settle: a tiny Fit loads libtorch and everything Fit needs.
            Fit(ml, stage, shape, RowSource.Load(ml, shape, RowSource.Cycle(pool, 256)), 1).Dispose();
            GC.Collect();
            long before = ProcessCounters.Read().RssKiB;
            var clock = Stopwatch.StartNew();
            using IDisposable model = Fit(ml, stage, shape, RowSource.Load(ml, shape, RowSource.Cycle(pool, rows)), epochs);
            double seconds = clock.Elapsed.TotalSeconds;
            var counters = ProcessCounters.Read();
            if (diagnose)
            {
                var info = GC.GetGCMemoryInfo();
                long managedBefore = GC.GetTotalMemory(false);
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect();
                long rssAfterGc = ProcessCounters.Read().RssKiB;
                Native.NativeAllocator.ReleaseFreeMemory();
                Console.Error.WriteLine($"diagnose: peak {counters.PeakRssKiB / 1024} MiB, RSS now {counters.RssKiB / 1024} MiB; managed {managedBefore >> 20} MiB " +
                    $"(GC heap {info.HeapSizeBytes >> 20} MiB, committed {info.TotalCommittedBytes >> 20} MiB, {GC.CollectionCount(2)} gen2 GCs) → " +
                    $"{GC.GetTotalMemory(false) >> 20} MiB after a full GC; RSS after GC {rssAfterGc / 1024} MiB, after malloc_trim {ProcessCounters.Read().RssKiB / 1024} MiB; " +
                    $"live tensors {TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount}");
            }
            // The weights: encoder LSTM and decoder LSTM of hidden h over f features, output layer (biases included).
            long h = shape.Hidden, f = shape.Features;
            long parameters = 2 * (4 * h * (f + h) + 8 * h) + h * f + f;
            ChildProcess.WriteResult(JsonSerializer.Serialize(new FitMemoryResult
            {
                RssBeforeKiB = before,
                PeakRssKiB = counters.PeakRssKiB,
                DataBytes = rows * shape.Steps * shape.Features * sizeof(float),
                ModelBytes = parameters * sizeof(float),
                FitSeconds = seconds,
            }));
            return 0;
        }

        private static IDisposable Fit(MLContext ml, string stage, BenchmarkShape shape, IDataView data, int epochs)
        {
            switch (stage)
            {
                case "encoder":
                    return ml.Transforms.EncodeSequences(new SequenceEncodingOptions
                    {
                        InputColumnName = "Features", FeaturesPerStep = shape.Features, HiddenSizes = new[] { shape.Hidden },
                        EncodingSize = shape.Hidden, BatchSize = shape.BatchSize, Epochs = epochs, ValidationFraction = 0, Seed = 1,
                    }).Fit(data);
                case "anomaly":
                    var anomaly = ml.AnomalyDetection.Trainers.LstmAutoencoder(new SequenceAnomalyOptions
                    {
                        FeatureColumnName = "Features", FeaturesPerStep = shape.Features, HiddenSizes = new[] { shape.Hidden },
                        EncodingSize = shape.Hidden, BatchSize = shape.BatchSize, Epochs = epochs, ValidationFraction = 0, Seed = 1,
                    }).Fit(data);
                    return anomaly.Model;
                case "read":
                    // What every Fit does first, alone: the rows read into the training set (MLNet/SequenceColumn.ReadAll).
                    var set = new MLNet.SequenceColumn("Features", shape.Features, 1).ReadAll((Microsoft.ML.Runtime.IHostEnvironment)ml, data, 0);
                    return new Holder(set);
                default:
                    throw new ArgumentException($"Unknown stage '{stage}': read, encoder or anomaly.");
            }
        }

        // Keeps the read rows alive until the measurement is taken.
        private sealed class Holder : IDisposable
        {
            public Holder(object value) => Value = value;

            public object Value { get; private set; }

            public void Dispose() => Value = null;
        }

        private sealed class FitMemoryResult
        {
            public long RssBeforeKiB { get; set; }

            public long PeakRssKiB { get; set; }

            public long DataBytes { get; set; }

            public long ModelBytes { get; set; }

            public double FitSeconds { get; set; }
        }
    }
}
