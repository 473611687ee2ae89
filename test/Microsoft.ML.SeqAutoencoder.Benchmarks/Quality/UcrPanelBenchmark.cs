using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.Data;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Quality
{
    /// <summary>
    /// Encodings for classification on a panel of UCR/UEA sets (../shared/data/ucr: ECG5000, GunPoint, ArrowHead,
    /// BasicMotions, JapaneseVowels). For every set and seed, <c>EncodeSequences</c> with its default options (only
    /// <c>FeaturesPerStep</c> and the seed given) is fitted on TRAIN (labels unused); <c>NormalizeMeanVariance</c> +
    /// <c>LbfgsMaximumEntropy</c> learns on the TRAIN encodings and is scored on TEST. In the same run: the same trainer on
    /// the raw values (variable length: zero-padded to the longest TRAIN row, longer TEST rows cut), on encodings and raw
    /// values concatenated, and 1-NN Euclidean on the raw values. With <c>--validation</c> it instead compares encoding
    /// readouts on stratified folds of TRAIN only, the protocol the defaults were chosen with: one choice for the whole panel,
    /// never per set, never on TEST. Before that, the same folds screened other levers for the encoding (each against the
    /// code and against segment means): the final states of all layers, a pooled bottleneck, a bidirectional encoder,
    /// denoising (input noise), per-series z-normalization, longer training, two layers and a smaller hidden size. None
    /// beat segment means on the panel mean, so none became an option.
    /// </summary>
    internal static class UcrPanelBenchmark
    {
        private static readonly string[] Sets = { "GunPoint", "ArrowHead", "BasicMotions", "JapaneseVowels", "ECG5000" };

        /// <summary>Published ROCKET accuracies on the default split (tsml-eval), context only: not run here.</summary>
        private static readonly Dictionary<string, double> Rocket = new Dictionary<string, double>
        {
            ["GunPoint"] = 1.00, ["ArrowHead"] = 0.82, ["ECG5000"] = 0.946,
        };

        public static int Run(string[] args)
        {
            string folder = BenchmarkEnvironment.SharedData("ucr");
            string[] sets = Option(args, "--sets")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? Sets;
            int[] seeds = (Option(args, "--seeds") ?? "1,2,3").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            bool validation = args.Contains("--validation");
            var report = new StringBuilder();
            report.AppendLine(BenchmarkEnvironment.Describe());
            report.AppendLine();
            var clock = Stopwatch.StartNew();
            if (validation)
                Validation(folder, sets, report);
            else
                Test(folder, sets, seeds, report);
            report.AppendLine();
            report.AppendLine($"Total runtime {clock.Elapsed.TotalMinutes:F1} min. Data: UCR/UEA archives (Dau et al. 2019, Bagnall et al. 2018); ECG5000 TEST is " +
                "the UCR split minus one class-1 row, values at float32 precision.");
            string output = Path.Combine(BenchmarkEnvironment.OutputFolder(), $"ucr-{(validation ? "validation" : "panel")}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md");
            File.WriteAllText(output, report.ToString());
            Console.WriteLine();
            Console.WriteLine(report);
            Console.WriteLine($"Wrote {output}");
            return 0;
        }

        private static void Test(string folder, string[] sets, int[] seeds, StringBuilder report)
        {
            report.AppendLine($"Encoder: `EncodeSequences` defaults (readout {SequenceEncodingOptions.Defaults.Readout} × {SequenceEncodingOptions.Defaults.ReadoutSegments}, " +
                $"hidden {SequenceNetworkOptions.Defaults.HiddenSize}, code {SequenceNetworkOptions.Defaults.EncodingSize}, {SequenceNetworkOptions.Defaults.Epochs} epochs), " +
                $"only FeaturesPerStep and the seed given; seeds {string.Join(", ", seeds)}. Trainer: NormalizeMeanVariance + LbfgsMaximumEntropy (defaults).");
            report.AppendLine();
            report.AppendLine("| set | F | steps | train / test | encodings + LBFGS | encodings + raw + LBFGS | raw + LBFGS | 1-NN raw | ROCKET (published) | fit s / seed |");
            report.AppendLine("| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            var means = new List<(string Set, double Encoded, double Both, double Raw, double Nn)>();
            foreach (string set in sets)
            {
                UcrSet data = UcrSet.Read(folder, set);
                var ml = new MLContext(seed: 1);
                double raw = Accuracy(ml, data.RawView(ml, data.Train), data.RawView(ml, data.Test), "Raw");
                double nn = data.NearestNeighbourAccuracy();
                var encoded = new List<double>();
                var both = new List<double>();
                var seconds = new List<double>();
                foreach (int seed in seeds)
                {
                    var watch = Stopwatch.StartNew();
                    using var encoder = ml.Transforms.EncodeSequences(new SequenceEncodingOptions
                    {
                        InputColumnName = "Sequence", FeaturesPerStep = data.FeaturesPerStep, Seed = seed,
                    }).Fit(data.SequenceView(ml, data.Train));
                    seconds.Add(watch.Elapsed.TotalSeconds);
                    IDataView fit = encoder.Transform(data.RawView(ml, data.Train));
                    IDataView evaluate = encoder.Transform(data.RawView(ml, data.Test));
                    encoded.Add(Accuracy(ml, fit, evaluate, "Encoding"));
                    both.Add(Accuracy(ml, Concatenated(ml, fit), Concatenated(ml, evaluate), "Both"));
                    Console.WriteLine($"{set} seed {seed}: encodings {encoded[^1]:F4}, encodings + raw {both[^1]:F4}, raw {raw:F4} ({seconds[^1]:F0} s)");
                }
                string line = $"| {set} | {data.FeaturesPerStep} | {data.StepsText} | {data.Train.Count} / {data.Test.Count} | {MeanSpread(encoded)} | {MeanSpread(both)} | " +
                    $"{raw:F4} | {nn:F4} | {(Rocket.TryGetValue(set, out double r) ? r.ToString("F3", CultureInfo.InvariantCulture) : "–")} | {seconds.Average():F0} |";
                report.AppendLine(line);
                means.Add((set, encoded.Average(), both.Average(), raw, nn));
            }
            report.AppendLine($"| **panel mean** | | | | **{means.Average(m => m.Encoded):F4}** | {means.Average(m => m.Both):F4} | {means.Average(m => m.Raw):F4} | {means.Average(m => m.Nn):F4} | | |");
            report.AppendLine();
            report.AppendLine("Encodings: mean ± population std over the seeds (the raw baselines are deterministic). Variable length (JapaneseVowels): " +
                "the encoder reads each row at its own length; the raw baselines zero-pad to the longest TRAIN row and cut longer TEST rows.");
            foreach (var m in means)
                report.AppendLine($"- {m.Set}: encodings {(m.Encoded >= m.Raw ? "≥" : "<")} raw ({m.Encoded:F4} vs {m.Raw:F4}).");
        }

        /// <summary>
        /// The protocol the readout default was chosen with: stratified folds of TRAIN only (5 folds, 2 repeats; ECG5000 3
        /// folds of one repeat), the encoder fitted on the fit folds with default options, each readout scored with the
        /// same trainer on the held-out fold, beside raw values.
        /// </summary>
        private static void Validation(string folder, string[] sets, StringBuilder report)
        {
            var readouts = new (string Name, SequenceEncodingReadout Readout, int Segments)[]
            {
                ("code", SequenceEncodingReadout.Code, 0), ("segment means × 4", SequenceEncodingReadout.SegmentMeans, 4),
                ("segment means × 8", SequenceEncodingReadout.SegmentMeans, 8), ("segment means × 16", SequenceEncodingReadout.SegmentMeans, 16),
            };
            report.AppendLine("Validation on TRAIN only (stratified folds); encoder with default options per fold; accuracy of NormalizeMeanVariance + LbfgsMaximumEntropy on the held-out fold.");
            report.AppendLine();
            report.AppendLine("| set | folds | " + string.Join(" | ", readouts.Select(r => r.Name)) + " | raw |");
            report.AppendLine("| --- | ---: |" + string.Concat(readouts.Select(_ => " ---: |")) + " ---: |");
            var panel = new List<double[]>();
            foreach (string set in sets)
            {
                UcrSet data = UcrSet.Read(folder, set);
                var ml = new MLContext(seed: 1);
                var folds = data.Train.Count > 300 ? data.Folds(3, repeats: 1) : data.Folds(5, repeats: 2);
                var scores = new List<double>[readouts.Length + 1];
                for (int i = 0; i < scores.Length; i++)
                    scores[i] = new List<double>();
                int foldNumber = 0;
                foreach (var (fit, held) in folds)
                {
                    foldNumber++;
                    var options = new SequenceEncodingOptions
                    {
                        InputColumnName = "Sequence", FeaturesPerStep = data.FeaturesPerStep, Seed = foldNumber,
                        Readout = SequenceEncodingReadout.Code, CodeColumnName = "Code",
                    };
                    using var encoder = ml.Transforms.EncodeSequences(options).Fit(data.SequenceView(ml, fit));
                    for (int r = 0; r < readouts.Length; r++)
                    {
                        // The same network read out another way (the readout does not change training).
                        using var view = Readout(ml, encoder, options, readouts[r].Readout, readouts[r].Segments);
                        scores[r].Add(Accuracy(ml, view.Transform(data.RawView(ml, fit)), view.Transform(data.RawView(ml, held)), "Encoding"));
                    }
                    scores[^1].Add(Accuracy(ml, data.RawView(ml, fit), data.RawView(ml, held), "Raw"));
                    Console.WriteLine($"{set} fold {foldNumber}: " + string.Join(", ", scores.Select(s => s[^1].ToString("F3", CultureInfo.InvariantCulture))));
                }
                report.AppendLine($"| {set} | {folds.Count} | " + string.Join(" | ", scores.Select(MeanSpread)) + " |");
                panel.Add(scores.Select(s => s.Average()).ToArray());
            }
            report.AppendLine("| **panel mean** | | " + string.Join(" | ", Enumerable.Range(0, readouts.Length + 1).Select(i => $"**{panel.Average(p => p[i]):F4}**")) + " |");
        }

        /// <summary>A transformer over a copy of <paramref name="encoder"/>'s network with another readout.</summary>
        private static SequenceEncodingTransformer Readout(MLContext ml, SequenceEncodingTransformer encoder, SequenceEncodingOptions options,
            SequenceEncodingReadout readout, int segments)
        {
            var copy = new SequenceEncodingOptions
            {
                InputColumnName = options.InputColumnName, FeaturesPerStep = options.FeaturesPerStep, Readout = readout,
                ReadoutSegments = Math.Max(1, segments),
            };
            return new SequenceEncodingTransformer(ml, Persistence.AutoencoderModelFormat.Clone(encoder.Model), copy);
        }

        private static IDataView Concatenated(MLContext ml, IDataView view)
            => ml.Transforms.Concatenate("Both", "Encoding", "Raw").Fit(view).Transform(view);

        /// <summary>Multiclass micro accuracy of MapValueToKey → NormalizeMeanVariance → LbfgsMaximumEntropy on one column.</summary>
        private static double Accuracy(MLContext ml, IDataView fit, IDataView evaluate, string features)
        {
            var pipeline = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
                .Append(ml.Transforms.NormalizeMeanVariance("Normalized", features))
                .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Normalized"));
            var model = pipeline.Fit(fit);
            return ml.MulticlassClassification.Evaluate(model.Transform(evaluate), "LabelKey").MicroAccuracy;
        }

        private static string MeanSpread(List<double> values)
        {
            double mean = values.Average();
            double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
            return values.Count > 1 ? $"{mean:F4} ± {std:F4}" : $"{mean:F4}";
        }

        private static string Option(string[] args, string name)
        {
            int at = Array.IndexOf(args, name);
            if (at < 0)
                return null;
            if (at + 1 >= args.Length)
                throw new BenchmarkSetupException($"{name} needs a value.");
            return args[at + 1];
        }
    }

    /// <summary>One UCR/UEA set: rows of a label and step-major values, F features per step, lengths free.</summary>
    internal sealed class UcrSet
    {
        private UcrSet(string name, int featuresPerStep, List<UcrRow> train, List<UcrRow> test)
        {
            Name = name;
            FeaturesPerStep = featuresPerStep;
            Train = train;
            Test = test;
            MaxTrainValues = train.Max(r => r.Values.Length);
        }

        public string Name { get; }

        public int FeaturesPerStep { get; }

        public List<UcrRow> Train { get; }

        public List<UcrRow> Test { get; }

        /// <summary>Values of the longest TRAIN row: the raw baselines' padded length.</summary>
        public int MaxTrainValues { get; }

        public string StepsText
        {
            get
            {
                var steps = Train.Concat(Test).Select(r => r.Values.Length / FeaturesPerStep).ToArray();
                return steps.Min() == steps.Max() ? steps[0].ToString(CultureInfo.InvariantCulture) : $"{steps.Min()}–{steps.Max()}";
            }
        }

        public static UcrSet Read(string folder, string name)
        {
            string directory = File.Exists(Path.Combine(folder, $"{name}_TRAIN.csv")) ? folder : Path.Combine(folder, name);
            int f = 1;
            string info = Path.Combine(directory, "info.csv");
            if (File.Exists(info))
            {
                string[] header = File.ReadLines(info).First().Split(',');
                string[] values = File.ReadLines(info).Skip(1).First().Split(',');
                f = int.Parse(values[Array.IndexOf(header, "features_per_step")], CultureInfo.InvariantCulture);
            }
            return new UcrSet(name, f, ReadRows(Path.Combine(directory, $"{name}_TRAIN.csv"), f), ReadRows(Path.Combine(directory, $"{name}_TEST.csv"), f));
        }

        private static List<UcrRow> ReadRows(string path, int f)
        {
            if (!File.Exists(path))
                throw new BenchmarkSetupException($"{path} is missing.");
            var rows = new List<UcrRow>();
            foreach (string line in File.ReadLines(path))
            {
                if (line.Length == 0)
                    continue;
                string[] fields = line.Split(',');
                var values = fields.Skip(1).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                if (values.Length % f != 0)
                    throw new BenchmarkSetupException($"{path}: a row of {values.Length} values is not whole steps of {f}.");
                rows.Add(new UcrRow { Label = fields[0], Values = values });
            }
            return rows;
        }

        /// <summary>Rows with a variable-size <c>Sequence</c> column (each row at its own length) and the label.</summary>
        public IDataView SequenceView(MLContext ml, IEnumerable<UcrRow> rows)
            => ml.Data.LoadFromEnumerable(rows.Select(r => new SequenceRow { Label = r.Label, Sequence = r.Values }).ToList());

        /// <summary>
        /// Rows with <c>Sequence</c> (variable size), <c>Raw</c> (zero-padded or cut to the longest TRAIN row, known size)
        /// and the label.
        /// </summary>
        public IDataView RawView(MLContext ml, IEnumerable<UcrRow> rows)
        {
            var definition = SchemaDefinition.Create(typeof(RawRow));
            definition[nameof(RawRow.Raw)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, MaxTrainValues);
            return ml.Data.LoadFromEnumerable(rows.Select(r => new RawRow { Label = r.Label, Sequence = r.Values, Raw = Padded(r.Values) }).ToList(), definition);
        }

        private float[] Padded(float[] values)
        {
            var padded = new float[MaxTrainValues];
            values.AsSpan(0, Math.Min(values.Length, padded.Length)).CopyTo(padded);
            return padded;
        }

        /// <summary>1-NN with Euclidean distance on the padded raw values, TRAIN to TEST.</summary>
        public double NearestNeighbourAccuracy()
        {
            var train = Train.Select(r => Padded(r.Values)).ToArray();
            int correct = 0;
            foreach (var row in Test)
            {
                float[] x = Padded(row.Values);
                int best = 0;
                double bestDistance = double.PositiveInfinity;
                for (int i = 0; i < train.Length; i++)
                {
                    double d = 0;
                    for (int k = 0; k < x.Length; k++)
                    {
                        double diff = x[k] - train[i][k];
                        d += diff * diff;
                    }
                    if (d < bestDistance)
                    {
                        bestDistance = d;
                        best = i;
                    }
                }
                if (Train[best].Label == row.Label)
                    correct++;
            }
            return (double)correct / Test.Count;
        }

        /// <summary>Stratified folds of TRAIN: (fit, held-out) pairs, <paramref name="repeats"/> shuffles of <paramref name="folds"/> folds.</summary>
        public List<(List<UcrRow> Fit, List<UcrRow> Held)> Folds(int folds, int repeats)
        {
            var result = new List<(List<UcrRow>, List<UcrRow>)>();
            for (int repeat = 1; repeat <= repeats; repeat++)
            {
                var random = new Random(repeat);
                var assignment = new Dictionary<UcrRow, int>();
                foreach (var group in Train.GroupBy(r => r.Label))
                {
                    var members = group.OrderBy(_ => random.Next()).ToList();
                    for (int i = 0; i < members.Count; i++)
                        assignment[members[i]] = i % folds;
                }
                for (int k = 0; k < folds; k++)
                    result.Add((Train.Where(r => assignment[r] != k).ToList(), Train.Where(r => assignment[r] == k).ToList()));
            }
            return result;
        }

        internal sealed class UcrRow
        {
            public string Label { get; set; }

            public float[] Values { get; set; }
        }

        private sealed class SequenceRow
        {
            public string Label { get; set; }

            [VectorType]
            public float[] Sequence { get; set; }
        }

        private sealed class RawRow
        {
            public string Label { get; set; }

            [VectorType]
            public float[] Sequence { get; set; }

            public float[] Raw { get; set; }
        }
    }
}
