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
    /// Detection quality on the SMAP telemetry channels (../shared/data/smap), fed as a user would: the telemetry value v0
    /// alone, and all 25 features per step (v0 plus 24 command flags) as one vector. For every channel and input, each method
    /// is fit on the train file only and scores every test row; AUC-PR (average precision), ROC-AUC and best F1 are point-wise,
    /// without point adjustment. Methods:
    /// <list type="number">
    /// <item><description><c>DetectAnomalyBySequenceAutoencoder</c> with its default options (only the columns, the seed and, per
    /// row of the table, <see cref="SequenceAutoencoderMode"/> given): reconstruction, prediction, composite.</description></item>
    /// <item><description>ML.NET <c>RandomizedPca</c> (rank 8) on the windows of the same input ending at each row (its Score).</description></item>
    /// <item><description>|v0 − mean(train v0)|, the trivial baseline.</description></item>
    /// </list>
    /// Rows before the first full window get the lowest score. No setting here was chosen with test labels.
    /// </summary>
    internal static class SmapBenchmark
    {
        private const int Window = TimeSeriesAnomalyOptions.Defaults.WindowSize;
        private const int PcaRank = 8;
        private const int Seed = 1;

        private static readonly SequenceAutoencoderMode[] _modes =
        {
            SequenceAutoencoderMode.Reconstruction, SequenceAutoencoderMode.Prediction, SequenceAutoencoderMode.Composite,
        };

        private static readonly string[] _inputs = { "v0", "all 25" };

        /// <summary>Method names, in score order: three detector modes, RandomizedPca, then the trivial baseline.</summary>
        private static readonly string[] _methods = _modes.Select(m => $"Detector {m}").Concat(new[] { "RandomizedPca", "abs(v0-mean)" }).ToArray();

        public static int Run(string[] args)
        {
            string folder = BenchmarkEnvironment.SharedData("smap");
            string[] channels = ReadChannels(folder);
            int at = Array.IndexOf(args, "--channels");
            int every = Array.IndexOf(args, "--every");
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
            else if (every >= 0)
            {
                // A subset fixed before any score: every n-th channel of channels.csv, from the first.
                if (every + 1 >= args.Length || !int.TryParse(args[every + 1], out int n) || n < 1)
                    throw new BenchmarkSetupException("--every needs a positive whole number, e.g. --every 3");
                channels = channels.Where((_, i) => i % n == 0).ToArray();
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
            Console.WriteLine($"SMAP: {channels.Length} channel(s) ({string.Join(", ", channels)}); detector defaults ({Defaults()}); PCA rank {PcaRank}, seed {Seed}");

            var watch = Stopwatch.StartNew();
            var results = new List<ChannelResult>();
            using (var csv = new StreamWriter(csvPath))
            {
                csv.WriteLine("channel,input,method,test_rows,anomalous_rows,auc_pr,roc_auc,best_f1,seconds,note");
                foreach (string channel in channels)
                {
                    foreach (string input in _inputs)
                    {
                        ChannelResult result = RunChannel(folder, channel, input);
                        results.Add(result);
                        for (int m = 0; m < _methods.Length; m++)
                        {
                            csv.WriteLine(string.Join(",", channel, input, _methods[m], result.TestRows, result.AnomalousRows,
                                F(result.AucPr[m]), F(result.RocAuc[m]), F(result.BestF1[m]), result.Seconds[m].ToString("F1", CultureInfo.InvariantCulture),
                                result.Note));
                        }
                        csv.Flush();
                        Console.WriteLine($"{channel} {input}: {result.TestRows} rows, {result.AnomalousRows} anomalous; AUC-PR " +
                            string.Join(", ", _methods.Select((name, m) => $"{name} {result.AucPr[m]:F3}")) +
                            $"; {string.Join("/", result.Seconds.Select(s => s.ToString("F0", CultureInfo.InvariantCulture)))} s; elapsed {watch.Elapsed.TotalMinutes:F1} min");
                    }
                }
            }

            string markdown = Markdown(results, watch.Elapsed, channels);
            File.WriteAllText(mdPath, markdown);
            Console.WriteLine();
            Console.WriteLine(markdown);
            Console.WriteLine($"Wrote {csvPath} and {mdPath}");
            return 0;
        }

        private static string Defaults()
        {
            var d = new TimeSeriesAnomalyOptions();
            return $"window {d.WindowSize}, stride {d.Stride}, hidden {string.Join("/", d.HiddenSizes)}, encoding {d.EncodingSize}, " +
                $"{d.Epochs} epochs, {d.FeatureScaling} scaling, prediction length {d.PredictionLength}, default mode {d.Mode}";
        }

        private static ChannelResult RunChannel(string folder, string channel, string input)
        {
            bool all = input != "v0";
            var (trainSteps, _) = Read(folder, channel, "train", all);
            var (testSteps, testLabels) = Read(folder, channel, "test", all);
            int f = trainSteps[0].Length;
            int rows = testSteps.Length;
            bool[] labels = testLabels.Select(l => l == 1).ToArray();
            var ml = new MLContext(seed: Seed);
            var scores = new double[_methods.Length][];
            var seconds = new double[_methods.Length];
            var watch = Stopwatch.StartNew();

            // (1) The streaming detector, one row per time step: a Single (v0) or a vector of 25 (all); F is inferred.
            IDataView train = LoadSteps(ml, trainSteps);
            IDataView test = LoadSteps(ml, testSteps);
            for (int m = 0; m < _modes.Length; m++)
            {
                using (TimeSeriesAnomalyDetector detector = ml.Transforms.DetectAnomalyBySequenceAutoencoder(new TimeSeriesAnomalyOptions
                {
                    InputColumnName = "Value",
                    OutputColumnName = "Prediction",
                    Mode = _modes[m],
                    Seed = Seed,
                }).Fit(train))
                {
                    double[][] outputs = detector.Transform(test).GetColumn<double[]>("Prediction").ToArray();
                    scores[m] = outputs.Select((o, row) => row < Window - 1 ? double.NegativeInfinity : o[1]).ToArray();
                }
                seconds[m] = Lap(watch);
            }

            // (2) RandomizedPca on the windows of the same input (W·F values each), a window ending at each test row.
            // On a channel whose train input is constant the centered windows are all zero and ML.NET rejects its own NaN
            // eigenvectors; that channel then gets one constant PCA score (AUC-PR = its anomalous-row rate).
            int pca = _modes.Length;
            string note = "";
            try
            {
                var model = ml.AnomalyDetection.Trainers.RandomizedPca("Features", rank: PcaRank, seed: Seed).Fit(LoadWindows(ml, trainSteps, 1));
                scores[pca] = WindowScores(model.Transform(LoadWindows(ml, testSteps, 1)), rows);
            }
            catch (ArgumentOutOfRangeException e) when (e.Message.Contains("NaN", StringComparison.Ordinal))
            {
                scores[pca] = new double[rows];
                note = "RandomizedPca fit failed (NaN eigenvectors; constant train input): constant PCA score";
                Console.WriteLine($"{channel} {input}: {note}");
            }
            seconds[pca] = Lap(watch);

            // (3) Distance of v0 from its training mean.
            double mean = trainSteps.Average(v => (double)v[0]);
            scores[pca + 1] = testSteps.Select(v => Math.Abs(v[0] - mean)).ToArray();
            seconds[pca + 1] = Lap(watch);

            // A NaN score is reported in the note and ranked lowest, i.e. never flagged (the detector itself reports +∞, not NaN).
            for (int m = 0; m < _methods.Length; m++)
            {
                int nan = scores[m].Count(double.IsNaN);
                if (nan > 0)
                {
                    scores[m] = scores[m].Select(v => double.IsNaN(v) ? double.NegativeInfinity : v).ToArray();
                    note += (note.Length > 0 ? "; " : "") + $"{_methods[m]}: {nan} NaN scores ranked lowest";
                    Console.WriteLine($"{channel} {input}: {_methods[m]} gave {nan} NaN scores; ranked lowest");
                }
            }

            return new ChannelResult
            {
                Channel = channel,
                Input = input,
                Note = note,
                TestRows = labels.Length,
                AnomalousRows = labels.Count(l => l),
                AucPr = scores.Select(s => DetectionMetrics.AveragePrecision(s, labels)).ToArray(),
                RocAuc = scores.Select(s => DetectionMetrics.RocAuc(s, labels)).ToArray(),
                BestF1 = scores.Select(s => DetectionMetrics.BestF1(s, labels)).ToArray(),
                Seconds = seconds,
            };
        }

        /// <summary>One row per step: a Single when F = 1, otherwise a known-size vector of F (the detector infers F from it).</summary>
        private static IDataView LoadSteps(MLContext ml, float[][] steps)
        {
            if (steps[0].Length == 1)
                return ml.Data.LoadFromEnumerable(steps.Select(s => new StepRow { Value = s[0] }));
            var definition = SchemaDefinition.Create(typeof(VectorStepRow));
            definition[nameof(VectorStepRow.Value)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, steps[0].Length);
            return ml.Data.LoadFromEnumerable(steps.Select(s => new VectorStepRow { Value = s }), definition);
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

        private static IDataView LoadWindows(MLContext ml, float[][] steps, int stride)
        {
            int f = steps[0].Length;
            var rows = new List<WindowRow>();
            for (int start = 0; start + Window <= steps.Length; start += stride)
                rows.Add(new WindowRow { Features = steps.Skip(start).Take(Window).SelectMany(s => s).ToArray() });
            var definition = SchemaDefinition.Create(typeof(WindowRow));
            definition[nameof(WindowRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Window * f);
            return ml.Data.LoadFromEnumerable(rows, definition);
        }

        private static double Lap(Stopwatch watch)
        {
            double seconds = watch.Elapsed.TotalSeconds;
            watch.Restart();
            return seconds;
        }

        private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

        private static string Markdown(List<ChannelResult> results, TimeSpan elapsed, string[] channels)
        {
            var text = new StringBuilder();
            text.AppendLine($"SMAP, {channels.Length} channel(s), point-wise (no point adjustment), total runtime {elapsed.TotalMinutes:F1} min.");
            text.AppendLine($"Channels: {string.Join(", ", channels)}.");
            text.AppendLine($"Detector: default options ({Defaults()}), mode set per row; PCA rank {PcaRank} on the same windows; seed {Seed}.");
            int pca = _modes.Length, trivial = _modes.Length + 1;
            foreach (string input in _inputs)
            {
                var rows = results.Where(r => r.Input == input).ToList();
                text.AppendLine();
                text.AppendLine($"Input {input}:");
                text.AppendLine();
                text.AppendLine("| method | mean AUC-PR | mean ROC-AUC | mean best F1 | AUC-PR / PCA | AUC-PR / abs(v0-mean) | best F1 / PCA | best F1 / abs(v0-mean) | fit+score s |");
                text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
                double pcaAucPr = rows.Average(r => r.AucPr[pca]), pcaF1 = rows.Average(r => r.BestF1[pca]);
                double trivialAucPr = rows.Average(r => r.AucPr[trivial]), trivialF1 = rows.Average(r => r.BestF1[trivial]);
                for (int m = 0; m < _methods.Length; m++)
                {
                    double aucPr = rows.Average(r => r.AucPr[m]);
                    double f1 = rows.Average(r => r.BestF1[m]);
                    text.AppendLine($"| {_methods[m]} | {aucPr:F4} | {rows.Average(r => r.RocAuc[m]):F4} | {f1:F4} | " +
                        $"{aucPr / pcaAucPr:F2} | {aucPr / trivialAucPr:F2} | {f1 / pcaF1:F2} | {f1 / trivialF1:F2} | {rows.Sum(r => r.Seconds[m]):F0} |");
                }
            }
            text.AppendLine();
            foreach (ChannelResult r in results.Where(r => r.Note.Length > 0))
                text.AppendLine($"{r.Channel} ({r.Input}): {r.Note}.");
            text.AppendLine();
            text.AppendLine("Per channel, AUC-PR / best F1:");
            text.AppendLine();
            text.AppendLine("| channel | input | test rows | anomalous | " + string.Join(" | ", _methods) + " |");
            text.AppendLine("| --- | --- | --- | --- |" + string.Concat(_methods.Select(_ => " --- |")));
            foreach (ChannelResult r in results)
            {
                text.AppendLine($"| {r.Channel} | {r.Input} | {r.TestRows} | {r.AnomalousRows} | " +
                    string.Join(" | ", _methods.Select((_, m) => $"{r.AucPr[m]:F3} / {r.BestF1[m]:F3}")) + " |");
            }
            text.AppendLine();
            text.AppendLine($"Mean anomalous-row rate (AUC-PR of a random ranking): {results.Where(r => r.Input == "v0").Average(r => (double)r.AnomalousRows / r.TestRows):F4}");
            return text.ToString();
        }

        private static string[] ReadChannels(string folder)
        {
            string path = Path.Combine(folder, "channels.csv");
            if (!File.Exists(path))
                throw new BenchmarkSetupException($"{path} is missing.");
            return File.ReadLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Substring(0, l.IndexOf(','))).Distinct().ToArray();
        }

        /// <summary>Every row's step (v0 alone, or v0..v24) and, for test files, the Label column.</summary>
        private static (float[][] Steps, float[] Labels) Read(string folder, string channel, string part, bool allFeatures)
        {
            string path = Path.Combine(folder, $"{channel}.{part}.csv.gz");
            using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
            string[] header = reader.ReadLine()?.Split(',') ?? Array.Empty<string>();
            if (header.Length == 0 || header[0] != "v0")
                throw new BenchmarkSetupException($"{path}: expected a header starting with v0.");
            int label = Array.IndexOf(header, "Label");
            if (part == "test" && label < 0)
                throw new BenchmarkSetupException($"{path}: no Label column.");
            int features = allFeatures ? header.Count(h => h.StartsWith('v')) : 1;
            var steps = new List<float[]>();
            var labels = new List<float>();
            for (string line = reader.ReadLine(); line != null; line = reader.ReadLine())
            {
                string[] fields = line.Split(',');
                var step = new float[features];
                for (int i = 0; i < features; i++)
                    step[i] = float.Parse(fields[i], CultureInfo.InvariantCulture);
                steps.Add(step);
                if (label >= 0)
                    labels.Add(float.Parse(fields[label], CultureInfo.InvariantCulture));
            }
            return (steps.ToArray(), labels.ToArray());
        }

        /// <summary>One time step: the telemetry value.</summary>
        private sealed class StepRow
        {
            public float Value { get; set; }
        }

        /// <summary>One time step of F features.</summary>
        private sealed class VectorStepRow
        {
            public float[] Value { get; set; }
        }

        /// <summary>A window of <see cref="Window"/> consecutive steps, step-major.</summary>
        private sealed class WindowRow
        {
            public float[] Features { get; set; }
        }

        /// <summary>One channel's metrics and seconds (fit + score) per method.</summary>
        private sealed class ChannelResult
        {
            public string Channel { get; set; }

            public string Input { get; set; }

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
