using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using Microsoft.ML.Data;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Quality
{
    /// <summary>
    /// Detection quality on the SMAP telemetry channels (../shared/data/smap). For every channel, each method is fit
    /// on the train file only and scores every test row; AUC-PR (average precision), ROC-AUC and best F1 are
    /// point-wise, without point adjustment. Methods, all on the telemetry value v0 only. v1..v24 are one-hot
    /// command flags: inputs sent to the spacecraft, not telemetry. In the train files 0 to 18 of them vary (17 in
    /// most channels) and the rest are constant; a flag that rarely switches has a tiny standard deviation, so after
    /// standardization each command would dominate a reconstruction error over all 25 features. That reasoning uses
    /// the train files only (telemanom also models v0 alone); the choice was made once, before any test score:
    /// <list type="number">
    /// <item><description><c>DetectAnomalyBySequenceAutoencoder</c>: the streaming detector's raw score.</description></item>
    /// <item><description>EncDec-AD: <c>LstmAutoencoder</c> with Mahalanobis scoring on the window ending at each row.</description></item>
    /// <item><description>ML.NET <c>RandomizedPca</c> on the same windows (its Score column).</description></item>
    /// <item><description>|v0 − mean(train v0)|.</description></item>
    /// </list>
    /// Rows before the first full window get the lowest score. Hyperparameters are fixed once for all channels as
    /// small, reasonable defaults; none was chosen with test labels.
    /// </summary>
    internal static class SmapBenchmark
    {
        private const int Window = 32;
        private const int TrainStride = 4;
        private const int Hidden = 32;
        private const int EncodingSize = 16;
        private const int Epochs = 10;
        private const int PcaRank = 8;
        private const int Seed = 1;

        private static readonly string[] _methods = { "Detector", "EncDec-AD", "RandomizedPca", "abs(v0-mean)" };

        public static int Run(string[] args)
        {
            string folder = BenchmarkEnvironment.SharedData("smap");
            string[] channels = ReadChannels(folder);
            int at = Array.IndexOf(args, "--channels");
            if (at >= 0)
            {
                if (at + 1 >= args.Length)
                    throw new BenchmarkSetupException("--channels needs a comma-separated list, e.g. --channels A-1,E-1");
                string[] wanted = args[at + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                string[] unknown = wanted.Except(channels).ToArray();
                if (unknown.Length > 0)
                    throw new BenchmarkSetupException($"Unknown channel(s) {string.Join(", ", unknown)}; see {Path.Combine(folder, "channels.csv")}.");
                channels = wanted;
            }
            else if (args.Contains("--quick"))
            {
                channels = channels.Take(3).ToArray();
            }

            string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
            string outputFolder = BenchmarkEnvironment.OutputFolder();
            string csvPath = Path.Combine(outputFolder, $"smap-{stamp}.csv");
            string mdPath = Path.Combine(outputFolder, $"smap-{stamp}.md");
            Console.WriteLine(BenchmarkEnvironment.Describe());
            Console.WriteLine($"SMAP: {channels.Length} channel(s); window {Window}, train stride {TrainStride}, hidden {Hidden}, " +
                $"encoding {EncodingSize}, epochs {Epochs}, PCA rank {PcaRank}, seed {Seed}");

            var watch = Stopwatch.StartNew();
            var results = new List<ChannelResult>();
            using (var csv = new StreamWriter(csvPath))
            {
                csv.WriteLine("channel,method,test_rows,anomalous_rows,auc_pr,roc_auc,best_f1,seconds,note");
                foreach (string channel in channels)
                {
                    ChannelResult result = RunChannel(folder, channel);
                    results.Add(result);
                    for (int m = 0; m < _methods.Length; m++)
                    {
                        csv.WriteLine(string.Join(",", channel, _methods[m], result.TestRows, result.AnomalousRows,
                            F(result.AucPr[m]), F(result.RocAuc[m]), F(result.BestF1[m]), result.Seconds[m].ToString("F1", CultureInfo.InvariantCulture),
                            result.Note));
                    }
                    csv.Flush();
                    Console.WriteLine($"{channel}: {result.TestRows} rows, {result.AnomalousRows} anomalous; AUC-PR " +
                        string.Join(", ", _methods.Select((name, m) => $"{name} {result.AucPr[m]:F3}")) +
                        $"; {string.Join("/", result.Seconds.Select(s => s.ToString("F0", CultureInfo.InvariantCulture)))} s; elapsed {watch.Elapsed.TotalMinutes:F1} min");
                }
            }

            string markdown = Markdown(results, watch.Elapsed, channels.Length);
            File.WriteAllText(mdPath, markdown);
            Console.WriteLine();
            Console.WriteLine(markdown);
            Console.WriteLine($"Wrote {csvPath} and {mdPath}");
            return 0;
        }

        private static ChannelResult RunChannel(string folder, string channel)
        {
            var (trainValues, _) = Read(folder, channel, "train");
            var (testValues, testLabels) = Read(folder, channel, "test");
            bool[] labels = testLabels.Select(l => l == 1).ToArray();
            var ml = new MLContext(seed: Seed);
            var scores = new double[_methods.Length][];
            var seconds = new double[_methods.Length];
            var watch = Stopwatch.StartNew();

            // (1) The streaming detector on v0, one row per time step.
            IDataView trainSteps = ml.Data.LoadFromEnumerable(trainValues.Select(v => new StepRow { Value = v }));
            IDataView testSteps = ml.Data.LoadFromEnumerable(testValues.Select(v => new StepRow { Value = v }));
            using (TimeSeriesAnomalyDetector detector = ml.Transforms.DetectAnomalyBySequenceAutoencoder(new TimeSeriesAnomalyOptions
            {
                InputColumnName = nameof(StepRow.Value),
                OutputColumnName = "Prediction",
                WindowSize = Window,
                Stride = TrainStride,
                HiddenSizes = new[] { Hidden },
                EncodingSize = EncodingSize,
                Epochs = Epochs,
                ValidationFraction = 0,
                Seed = Seed,
            }).Fit(trainSteps))
            {
                double[][] outputs = detector.Transform(testSteps).GetColumn<double[]>("Prediction").ToArray();
                scores[0] = outputs.Select((o, row) => row < Window - 1 ? double.NegativeInfinity : o[1]).ToArray();
            }
            seconds[0] = Lap(watch);

            // (2) EncDec-AD on windows of v0: train windows every TrainStride rows, a test window ending at each row.
            IDataView trainWindows = LoadWindows(ml, trainValues, TrainStride);
            IDataView testWindows = LoadWindows(ml, testValues, 1);
            var encDec = ml.AnomalyDetection.Trainers.LstmAutoencoder(new SequenceAnomalyOptions
            {
                FeatureColumnName = nameof(WindowRow.Features),
                FeaturesPerStep = 1,
                HiddenSizes = new[] { Hidden },
                EncodingSize = EncodingSize,
                Epochs = Epochs,
                ValidationFraction = 0,
                ScoringMethod = SequenceAnomalyScoringMethod.Mahalanobis,
                Seed = Seed,
            }).Fit(trainWindows);
            using (encDec.Model)
                scores[1] = WindowScores(encDec.Transform(testWindows), testValues.Length);
            seconds[1] = Lap(watch);

            // (3) RandomizedPca on the same windows.
            // On a channel whose train v0 is constant (A-1) the centered windows are all zero and ML.NET rejects its own
            // NaN eigenvectors; that channel then gets one constant score for PCA (AUC-PR = its anomalous-row rate).
            string note = "";
            try
            {
                var pca = ml.AnomalyDetection.Trainers.RandomizedPca(nameof(WindowRow.Features), rank: PcaRank, seed: Seed).Fit(trainWindows);
                scores[2] = WindowScores(pca.Transform(testWindows), testValues.Length);
            }
            catch (ArgumentOutOfRangeException e) when (e.Message.Contains("NaN", StringComparison.Ordinal))
            {
                scores[2] = new double[testValues.Length];
                note = "RandomizedPca fit failed (NaN eigenvectors; constant train v0): constant PCA score";
                Console.WriteLine($"{channel}: {note}");
            }
            seconds[2] = Lap(watch);

            // (4) Distance of v0 from its training mean.
            double mean = trainValues.Average(v => (double)v);
            scores[3] = testValues.Select(v => Math.Abs(v - mean)).ToArray();
            seconds[3] = Lap(watch);

            // A NaN score (seen once, on D-3) is reported in the note and ranked lowest, i.e. never flagged.
            for (int m = 0; m < _methods.Length; m++)
            {
                int nan = scores[m].Count(double.IsNaN);
                if (nan > 0)
                {
                    scores[m] = scores[m].Select(v => double.IsNaN(v) ? double.NegativeInfinity : v).ToArray();
                    note += (note.Length > 0 ? "; " : "") + $"{_methods[m]}: {nan} NaN scores ranked lowest";
                    Console.WriteLine($"{channel}: {_methods[m]} gave {nan} NaN scores; ranked lowest");
                }
            }

            return new ChannelResult
            {
                Channel = channel,
                Note = note,
                TestRows = labels.Length,
                AnomalousRows = labels.Count(l => l),
                AucPr = scores.Select(s => DetectionMetrics.AveragePrecision(s, labels)).ToArray(),
                RocAuc = scores.Select(s => DetectionMetrics.RocAuc(s, labels)).ToArray(),
                BestF1 = scores.Select(s => DetectionMetrics.BestF1(s, labels)).ToArray(),
                Seconds = seconds,
            };
        }

        /// <summary>The Score of the window ending at each row; rows before the first full window get −∞.</summary>
        private static double[] WindowScores(IDataView scored, int rows)
        {
            float[] windowScores = scored.GetColumn<float>("Score").ToArray();
            if (windowScores.Length != rows - Window + 1)
                throw new InvalidOperationException($"{windowScores.Length} window scores for {rows} rows.");
            var scores = new double[rows];
            for (int row = 0; row < rows; row++)
                scores[row] = row < Window - 1 ? double.NegativeInfinity : windowScores[row - Window + 1];
            return scores;
        }

        private static IDataView LoadWindows(MLContext ml, float[] values, int stride)
        {
            var rows = new List<WindowRow>();
            for (int start = 0; start + Window <= values.Length; start += stride)
                rows.Add(new WindowRow { Features = values.AsSpan(start, Window).ToArray() });
            var definition = SchemaDefinition.Create(typeof(WindowRow));
            definition[nameof(WindowRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Window);
            return ml.Data.LoadFromEnumerable(rows, definition);
        }

        private static double Lap(Stopwatch watch)
        {
            double seconds = watch.Elapsed.TotalSeconds;
            watch.Restart();
            return seconds;
        }

        private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

        private static string Markdown(List<ChannelResult> results, TimeSpan elapsed, int channels)
        {
            var text = new StringBuilder();
            text.AppendLine($"SMAP, {channels} channel(s), point-wise (no point adjustment), total runtime {elapsed.TotalMinutes:F1} min.");
            text.AppendLine($"Window {Window}, train stride {TrainStride}, LSTM hidden {Hidden}, encoding {EncodingSize}, {Epochs} epochs, PCA rank {PcaRank}, seed {Seed}; input v0.");
            text.AppendLine();
            text.AppendLine("| method | mean AUC-PR | mean ROC-AUC | mean best F1 | AUC-PR / PCA | best F1 / PCA | fit+score s |");
            text.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            double pcaAucPr = results.Average(r => r.AucPr[2]);
            double pcaF1 = results.Average(r => r.BestF1[2]);
            for (int m = 0; m < _methods.Length; m++)
            {
                double aucPr = results.Average(r => r.AucPr[m]);
                double f1 = results.Average(r => r.BestF1[m]);
                text.AppendLine($"| {_methods[m]} | {aucPr:F4} | {results.Average(r => r.RocAuc[m]):F4} | {f1:F4} | " +
                    $"{aucPr / pcaAucPr:F2} | {f1 / pcaF1:F2} | {results.Sum(r => r.Seconds[m]):F0} |");
            }
            text.AppendLine();
            foreach (ChannelResult r in results.Where(r => r.Note.Length > 0))
                text.AppendLine($"{r.Channel}: {r.Note}.");
            text.AppendLine();
            text.AppendLine("Per channel, AUC-PR / best F1:");
            text.AppendLine();
            text.AppendLine("| channel | test rows | anomalous | " + string.Join(" | ", _methods) + " |");
            text.AppendLine("| --- | --- | --- |" + string.Concat(_methods.Select(_ => " --- |")));
            foreach (ChannelResult r in results)
            {
                text.AppendLine($"| {r.Channel} | {r.TestRows} | {r.AnomalousRows} | " +
                    string.Join(" | ", _methods.Select((_, m) => $"{r.AucPr[m]:F3} / {r.BestF1[m]:F3}")) + " |");
            }
            text.AppendLine();
            text.AppendLine($"Mean anomalous-row rate (AUC-PR of a random ranking): {results.Average(r => (double)r.AnomalousRows / r.TestRows):F4}");
            return text.ToString();
        }

        private static string[] ReadChannels(string folder)
        {
            string path = Path.Combine(folder, "channels.csv");
            if (!File.Exists(path))
                throw new BenchmarkSetupException($"{path} is missing.");
            return File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Substring(0, l.IndexOf(','))).Distinct().ToArray();
        }

        /// <summary>Column v0 of every row and, for test files, the Label column.</summary>
        private static (float[] Values, float[] Labels) Read(string folder, string channel, string part)
        {
            string path = Path.Combine(folder, $"{channel}.{part}.csv.gz");
            using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
            string[] header = reader.ReadLine()?.Split(',') ?? Array.Empty<string>();
            if (header.Length == 0 || header[0] != "v0")
                throw new BenchmarkSetupException($"{path}: expected a header starting with v0.");
            int label = Array.IndexOf(header, "Label");
            if (part == "test" && label < 0)
                throw new BenchmarkSetupException($"{path}: no Label column.");
            var values = new List<float>();
            var labels = new List<float>();
            for (string line = reader.ReadLine(); line != null; line = reader.ReadLine())
            {
                string[] fields = line.Split(',');
                values.Add(float.Parse(fields[0], CultureInfo.InvariantCulture));
                if (label >= 0)
                    labels.Add(float.Parse(fields[label], CultureInfo.InvariantCulture));
            }
            return (values.ToArray(), labels.ToArray());
        }

        /// <summary>One time step: the telemetry value.</summary>
        private sealed class StepRow
        {
            public float Value { get; set; }
        }

        /// <summary>A window of <see cref="Window"/> consecutive v0 values.</summary>
        private sealed class WindowRow
        {
            public float[] Features { get; set; }
        }

        /// <summary>One channel's metrics and seconds (fit + score) per method.</summary>
        private sealed class ChannelResult
        {
            public string Channel { get; set; }

            public string Note { get; set; }

            public int TestRows { get; set; }

            public int AnomalousRows { get; set; }

            public double[] AucPr { get; set; }

            public double[] RocAuc { get; set; }

            public double[] BestF1 { get; set; }

            public double[] Seconds { get; set; }
        }
    }
}
