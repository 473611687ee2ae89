using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Allocator;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Harness;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Speed
{
    /// <summary>
    /// The measuring side of the speed benchmark, one measurement per fresh process: the library's training step,
    /// the raw TorchSharp loop, ML.NET's Fit, scoring throughput, memory of lazy scoring, matrix product speed.
    /// </summary>
    internal static class SpeedChild
    {
        private const string FeaturesColumn = "Features";

        /// <summary>The library's own training step, timed inside its trainer (see <see cref="AllocatorChild"/>).</summary>
        public static SpeedChildResult Library(BenchmarkShape shape, int warmup, int steps, int seed)
        {
            AllocatorChildResult result = AllocatorChild.Run(shape, warmup, steps, seed, abortOtherCpu: 0);
            return Finish(new SpeedChildResult
            {
                StepMilliseconds = result.StepMilliseconds,
                WarmupMilliseconds = result.WarmupMilliseconds,
                PeakRssKiB = result.PeakRssKiB,
                RssBeforeKiB = result.RssBeforeTrainingKiB,
            });
        }

        /// <summary>The raw TorchSharp loop: <paramref name="steps"/> steps, each timed, and the whole loop.</summary>
        public static SpeedChildResult Raw(BenchmarkShape shape, int warmup, int steps, int seed)
        {
            float[] data = shape.RandomRows(seed).SelectMany(r => r).ToArray();
            long rssBefore = ProcessCounters.Read().RssKiB;
            TrainingRun run = RawTorchSharpLoop.Train(shape, data, warmup + steps, seed);
            return Finish(new SpeedChildResult
            {
                WarmupMilliseconds = run.StepMilliseconds.Take(warmup).ToArray(),
                StepMilliseconds = run.StepMilliseconds.Skip(warmup).ToArray(),
                TotalMilliseconds = run.TotalMilliseconds,
                TotalSteps = warmup + steps,
                RssBeforeKiB = rssBefore,
            });
        }

        /// <summary>
        /// ML.NET's <c>Fit</c> of <c>EncodeSequences</c> on the same data and settings as the raw loop: the wall time of
        /// the whole call (reading the rows, standardization, network creation, every epoch, the transformer).
        /// </summary>
        public static SpeedChildResult Fit(BenchmarkShape shape, int steps, int seed)
        {
            if (steps % BenchmarkShape.BatchesPerEpoch != 0)
                throw new ArgumentException($"--steps must be a multiple of {BenchmarkShape.BatchesPerEpoch} (whole epochs).");
            var mlContext = new MLContext(seed);
            IDataView data = RowSource.Load(mlContext, shape, shape.RandomRows(seed));
            SequenceEncodingOptions options = TrainingOptions(shape, FeaturesColumn, steps / BenchmarkShape.BatchesPerEpoch, shape.BatchSize, seed);
            // The trainer logs every epoch's duration ("Epoch k/n: loss x, s.ss s"): their sum is the time in the epochs,
            // the rest of Fit is reading the data, setting up and finishing.
            double epochSeconds = 0;
            var epochLine = new System.Text.RegularExpressions.Regex(@"^Epoch \d+/\d+: .*, (\d+\.\d+) s");
            mlContext.Log += (_, e) =>
            {
                var match = epochLine.Match(e.RawMessage ?? "");
                if (match.Success)
                    epochSeconds += double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            };
            long rssBefore = ProcessCounters.Read().RssKiB;
            var clock = Stopwatch.StartNew();
            SequenceEncodingTransformer model = mlContext.Transforms.EncodeSequences(options).Fit(data);
            double milliseconds = clock.Elapsed.TotalMilliseconds;
            model.Dispose();
            return Finish(new SpeedChildResult
            {
                TotalMilliseconds = milliseconds,
                TotalSteps = steps,
                EpochMilliseconds = epochSeconds * 1000,
                RssBeforeKiB = rssBefore,
            });
        }

        /// <summary>
        /// Scoring throughput of one shape: encodings and anomaly scores through <c>Transform</c> + a cursor at each
        /// batch size, and through a <see cref="PredictionEngine{TSrc, TDst}"/> (one row per call). Each measurement
        /// reads rows for at least <paramref name="seconds"/> after one untimed batch.
        /// </summary>
        public static SpeedChildResult Score(BenchmarkShape shape, IReadOnlyList<int> batches, double seconds, int seed)
        {
            var mlContext = new MLContext(seed);
            IDataView training = RowSource.Load(mlContext, shape, shape.RandomRows(seed));
            float[][] pool = shape.RandomRows(seed + 1, 1024);
            IDataView endless = RowSource.Load(mlContext, shape, RowSource.Cycle(pool, long.MaxValue));
            var results = new List<ScoringResult>();

            foreach (int batch in batches)
            {
                SequenceEncodingOptions options = TrainingOptions(shape, FeaturesColumn, epochs: 1, shape.BatchSize, seed);
                options.ScoringBatchSize = batch;
                options.ReconstructionErrorColumnName = "Error";
                using SequenceEncodingTransformer model = mlContext.Transforms.EncodeSequences(options).Fit(training);
                IDataView scored = model.Transform(endless);
                results.Add(Measure("encode", "Transform+cursor", "EncodeSequences: Encoding", batch, seconds,
                    () => CursorRows<VBuffer<float>>(scored, options.OutputColumnName, batch, seconds)));
                results.Add(Measure("anomaly", "Transform+cursor", "EncodeSequences: ReconstructionErrorColumnName", batch, seconds,
                    () => CursorRows<float>(scored, options.ReconstructionErrorColumnName, batch, seconds)));
                if (batch == 1)
                {
                    using var encoder = mlContext.Model.CreatePredictionEngine<RowSource.Row, EncodingRow>(model, inputSchemaDefinition: RowSource.Schema(shape));
                    results.Add(Measure("encode", "PredictionEngine", "EncodeSequences: Encoding", 1, seconds,
                        () => EngineRows(pool, seconds, row => encoder.Predict(row).Encoding[0])));
                    using var error = mlContext.Model.CreatePredictionEngine<RowSource.Row, ErrorRow>(model, inputSchemaDefinition: RowSource.Schema(shape));
                    results.Add(Measure("anomaly", "PredictionEngine", "EncodeSequences: ReconstructionErrorColumnName", 1, seconds,
                        () => EngineRows(pool, seconds, row => error.Predict(row).Error)));
                }
            }

            // The anomaly trainer's Score column: Transform scores ScoringBatchSize rows per pass (the library's batched scorer);
            // PredictionEngine goes through ML.NET's row-by-row scorer.
            foreach (int batch in batches)
            {
                var anomalyOptions = new SequenceAnomalyOptions { FeatureColumnName = FeaturesColumn };
                CopyTraining(TrainingOptions(shape, FeaturesColumn, epochs: 1, shape.BatchSize, seed), anomalyOptions);
                anomalyOptions.ScoringBatchSize = batch;
                var detector = mlContext.AnomalyDetection.Trainers.LstmAutoencoder(anomalyOptions).Fit(training);
                try
                {
                    IDataView scored = detector.Transform(endless);
                    results.Add(Measure("anomaly", "Transform+cursor", "LstmAutoencoder: Score", batch, seconds,
                        () => CursorRows<float>(scored, "Score", batch, seconds)));
                    if (batch == 1)
                    {
                        using var engine = mlContext.Model.CreatePredictionEngine<RowSource.Row, AnomalyRow>(detector, inputSchemaDefinition: RowSource.Schema(shape));
                        results.Add(Measure("anomaly", "PredictionEngine", "LstmAutoencoder: Score", 1, seconds,
                            () => EngineRows(pool, seconds, row => engine.Predict(row).Score)));
                    }
                }
                finally
                {
                    detector.Model.Dispose();
                }
            }
            return Finish(new SpeedChildResult { Scoring = results });
        }

        /// <summary>
        /// Peak memory of scoring <paramref name="rows"/> generated rows lazily: Transform + a cursor reading the
        /// encoding of every row, at the default scoring batch size. Nothing holds the rows: memory must not grow with them.
        /// </summary>
        public static SpeedChildResult LazyScoringMemory(BenchmarkShape shape, long rows, int seed)
        {
            var mlContext = new MLContext(seed);
            IDataView training = RowSource.Load(mlContext, shape, shape.RandomRows(seed));
            float[][] pool = shape.RandomRows(seed + 1, 1024);
            using SequenceEncodingTransformer model = mlContext.Transforms.EncodeSequences(TrainingOptions(shape, FeaturesColumn, 1, shape.BatchSize, seed)).Fit(training);
            // Settle: a first small scoring pass loads everything scoring needs.
            CursorRows<VBuffer<float>>(model.Transform(RowSource.Load(mlContext, shape, RowSource.Cycle(pool, 1024))), "Encoding", 0, 0);
            GC.Collect();
            long rssBefore = ProcessCounters.Read().RssKiB;
            var clock = Stopwatch.StartNew();
            long count = CursorRows<VBuffer<float>>(model.Transform(RowSource.Load(mlContext, shape, RowSource.Cycle(pool, rows))), "Encoding", 0, 0).Rows;
            if (count != rows)
                throw new InvalidOperationException($"Scored {count} rows instead of {rows}.");
            return Finish(new SpeedChildResult
            {
                RssBeforeKiB = rssBefore,
                TotalMilliseconds = clock.Elapsed.TotalMilliseconds,
                ManagedBytes = GC.GetTotalMemory(forceFullCollection: false),
                Scoring = new List<ScoringResult>
                {
                    new ScoringResult { What = "encode", Path = "Transform+cursor", Column = "Encoding", Batch = 256, Rows = count, Seconds = clock.Elapsed.TotalSeconds },
                },
            });
        }

        /// <summary>libtorch's float32 matrix product through TorchSharp, n×n by n×n, best of <paramref name="repeats"/>.</summary>
        public static SpeedChildResult MatrixProduct(int n, int repeats)
        {
            using var a = randn(n, n);
            using var b = randn(n, n);
            using var c = empty(n, n);
            for (int i = 0; i < 3; i++)
                mm(a, b).Dispose();
            double best = double.PositiveInfinity;
            for (int i = 0; i < repeats; i++)
            {
                long start = Stopwatch.GetTimestamp();
                using (var product = mm(a, b))
                    best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            return Finish(new SpeedChildResult { MatrixSize = n, Gflops = 2.0 * n * n * (double)n / best / 1e9 });
        }

        private static SequenceEncodingOptions TrainingOptions(BenchmarkShape shape, string column, int epochs, int batchSize, int seed)
            => new SequenceEncodingOptions
            {
                InputColumnName = column,
                FeaturesPerStep = shape.Features,
                EncodingSize = shape.Hidden,
                HiddenSizes = new[] { shape.Hidden },
                Mode = SequenceAutoencoderMode.Reconstruction,
                ReverseReconstruction = true,
                Epochs = epochs,
                BatchSize = batchSize,
                LearningRate = 1e-3,
                GradientClipNorm = 1.0,
                ValidationFraction = 0,
                EarlyStoppingPatience = 0,
                Seed = seed,
            };

        private static void CopyTraining(SequenceAutoencoderOptions from, SequenceAutoencoderOptions to)
        {
            to.FeaturesPerStep = from.FeaturesPerStep;
            to.EncodingSize = from.EncodingSize;
            to.HiddenSizes = from.HiddenSizes;
            to.Mode = from.Mode;
            to.ReverseReconstruction = from.ReverseReconstruction;
            to.Epochs = from.Epochs;
            to.BatchSize = from.BatchSize;
            to.LearningRate = from.LearningRate;
            to.GradientClipNorm = from.GradientClipNorm;
            to.ValidationFraction = from.ValidationFraction;
            to.Seed = from.Seed;
        }

        private static ScoringResult Measure(string what, string path, string column, int batch, double seconds, Func<(long Rows, double Seconds)> run)
        {
            var (rows, elapsed) = run();
            return new ScoringResult { What = what, Path = path, Column = column, Batch = batch, Rows = rows, Seconds = elapsed };
        }

        /// <summary>
        /// Reads <paramref name="column"/> of every row through a cursor: one untimed batch first, then rows until
        /// <paramref name="seconds"/> have passed (at least 4 batches) or the data ends (<paramref name="seconds"/> 0: read all).
        /// </summary>
        /// <summary>Rows of <paramref name="column"/> read in about <paramref name="seconds"/> after one untimed batch, and the seconds.</summary>
        internal static (long Rows, double Seconds) CursorRows<T>(IDataView data, string column, int batch, double seconds)
        {
            DataViewSchema.Column col = data.Schema[column];
            using DataViewRowCursor cursor = data.GetRowCursor(new[] { col });
            ValueGetter<T> getter = cursor.GetGetter<T>(col);
            T value = default;
            for (int i = 0; i < batch && cursor.MoveNext(); i++)
                getter(ref value);
            long rows = 0;
            long start = Stopwatch.GetTimestamp();
            while (cursor.MoveNext())
            {
                getter(ref value);
                rows++;
                if (seconds > 0 && rows % Math.Max(batch, 1) == 0 && rows >= 4 * batch && Stopwatch.GetElapsedTime(start).TotalSeconds >= seconds)
                    break;
            }
            return (rows, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        private static (long Rows, double Seconds) EngineRows(float[][] pool, double seconds, Func<RowSource.Row, float> predict)
        {
            var row = new RowSource.Row { Features = pool[0] };
            predict(row);
            long rows = 0;
            long start = Stopwatch.GetTimestamp();
            float sink = 0;
            do
            {
                row.Features = pool[rows % pool.Length];
                sink += predict(row);
                rows++;
            }
            while (rows < 4 || Stopwatch.GetElapsedTime(start).TotalSeconds < seconds);
            GC.KeepAlive(sink);
            return (rows, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        private static SpeedChildResult Finish(SpeedChildResult result)
        {
            using var self = Process.GetCurrentProcess();
            result.CpuSeconds = self.TotalProcessorTime.TotalSeconds;
            result.PeakRssKiB ??= ProcessCounters.Read().PeakRssKiB;
            result.Threads = get_num_threads();
            result.Software = $"TorchSharp {MachineInfo.TorchSharpVersion()} (libtorch {__version__}), {get_num_threads()} intra-op threads";
            return result;
        }

        /// <summary>Output row of a prediction engine reading the encoding.</summary>
        private sealed class EncodingRow
        {
            public float[] Encoding { get; set; }
        }

        /// <summary>Output row of a prediction engine reading the reconstruction error.</summary>
        private sealed class ErrorRow
        {
            public float Error { get; set; }
        }

        /// <summary>Output row of a prediction engine reading the anomaly score.</summary>
        private sealed class AnomalyRow
        {
            public float Score { get; set; }
        }
    }
}
