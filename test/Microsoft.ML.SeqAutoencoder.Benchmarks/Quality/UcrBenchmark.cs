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
    /// Encodings for classification on UCR ECG5000: fit the autoencoder on the TRAIN split only (labels unused),
    /// train an ML.NET multiclass trainer (after <c>NormalizeMeanVariance</c>) on the training encodings, report test
    /// accuracy, and the same trainer on the raw 140 values in the same run. The autoencoder (hidden size, encoding
    /// size, epochs) and the trainer (<c>LbfgsMaximumEntropy</c> or <c>LightGbm</c>) are chosen together by accuracy
    /// on a validation split of TRAIN (80/20, seeded); the test split is used once, at the end.
    /// </summary>
    internal static class UcrBenchmark
    {
        internal const int Steps = 140;
        internal const int Epochs = 40;

        /// <summary>Candidates "hidden:encoding:epochs", cheapest first (a tie keeps the earlier one).</summary>
        private const string DefaultCandidates = "64:32:40,64:32:150,64:64:150";

        private static readonly string[] _trainers = { "lbfgs", "lightgbm" };

        public static int Run(string[] args)
        {
            var candidates = ParseCandidates(Option(args, "--candidates") ?? DefaultCandidates);
            bool validationOnly = args.Contains("--validation-only");
            string folder = BenchmarkEnvironment.SharedData("ucr");
            string trainPath = Path.Combine(folder, "ECG5000_TRAIN.csv");
            string testPath = Path.Combine(folder, "ECG5000_TEST.csv");
            var watch = Stopwatch.StartNew();
            var ml = new MLContext(seed: 1);
            List<EcgRow> train = Read(trainPath);
            List<EcgRow> test = Read(testPath);
            Console.WriteLine($"ECG5000: {train.Count} train, {test.Count} test rows of {Steps} values");
            Console.WriteLine(BenchmarkEnvironment.Describe());

            // Validation split of TRAIN only.
            var random = new Random(1);
            EcgRow[] shuffled = train.OrderBy(_ => random.Next()).ToArray();
            int fitCount = shuffled.Length * 4 / 5;
            List<EcgRow> fit = shuffled.Take(fitCount).ToList();
            List<EcgRow> validation = shuffled.Skip(fitCount).ToList();

            var report = new StringBuilder();
            report.AppendLine("| stage | hidden | encoding | epochs | trainer | accuracy (encodings) | accuracy (raw, same trainer) | seconds |");
            report.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
            var validationRaw = _trainers.ToDictionary(t => t, t => Accuracy(ml, Load(ml, fit), Load(ml, validation), nameof(EcgRow.Values), t));
            (Candidate Candidate, string Trainer) best = default;
            double bestAccuracy = double.NegativeInfinity;
            foreach (Candidate candidate in candidates)
            {
                var candidateWatch = Stopwatch.StartNew();
                var accuracies = EncodedAccuracies(ml, fit, validation, candidate, _trainers);
                foreach (string trainer in _trainers)
                {
                    string line = $"| validation (400 fit / 100 val of TRAIN) | {candidate.Hidden} | {candidate.Encoding} | {candidate.Epochs} | {trainer} | " +
                        $"{accuracies[trainer]:F4} | {validationRaw[trainer]:F4} | {candidateWatch.Elapsed.TotalSeconds:F0} |";
                    Console.WriteLine(line);
                    report.AppendLine(line);
                    if (accuracies[trainer] > bestAccuracy)
                    {
                        bestAccuracy = accuracies[trainer];
                        best = (candidate, trainer);
                    }
                }
            }

            if (!validationOnly)
            {
                var finalWatch = Stopwatch.StartNew();
                var testEncoded = EncodedAccuracies(ml, train, test, best.Candidate, _trainers);
                foreach (string trainer in _trainers.OrderBy(t => t == best.Trainer ? 0 : 1))
                {
                    double testRaw = Accuracy(ml, Load(ml, train), Load(ml, test), nameof(EcgRow.Values), trainer);
                    bool chosen = trainer == best.Trainer;
                    string final = $"| {(chosen ? "**test (fit on all 500 TRAIN), chosen**" : "test, other trainer (not chosen)")} | {best.Candidate.Hidden} | {best.Candidate.Encoding} | " +
                        $"{best.Candidate.Epochs} | {trainer} | {(chosen ? $"**{testEncoded[trainer]:F4}**" : $"{testEncoded[trainer]:F4}")} | {testRaw:F4} | {finalWatch.Elapsed.TotalSeconds:F0} |";
                    Console.WriteLine(final);
                    report.AppendLine(final);
                }
            }
            report.AppendLine();
            report.AppendLine($"Total runtime {watch.Elapsed.TotalSeconds:F0} s. Test split: the UCR test split minus one class-1 row, values at float32 precision ({test.Count} rows).");

            string output = Path.Combine(BenchmarkEnvironment.OutputFolder(), $"ucr-ecg5000-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md");
            File.WriteAllText(output, report.ToString());
            Console.WriteLine(report.ToString());
            Console.WriteLine($"Wrote {output}");
            return 0;
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

        private static Candidate[] ParseCandidates(string list)
            => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c =>
            {
                string[] parts = c.Split(':');
                if (parts.Length != 3 || !parts.All(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0))
                    throw new BenchmarkSetupException($"A candidate is hidden:encoding:epochs with positive integers, not '{c}'.");
                return new Candidate(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture),
                    int.Parse(parts[2], CultureInfo.InvariantCulture));
            }).ToArray();

        /// <summary>Fits the autoencoder on <paramref name="fit"/> (labels unused), then each trainer on its encodings.</summary>
        private static Dictionary<string, double> EncodedAccuracies(MLContext ml, List<EcgRow> fit, List<EcgRow> evaluate, Candidate candidate,
            IEnumerable<string> trainers)
        {
            IDataView fitView = Load(ml, fit);
            using SequenceEncodingTransformer encoder = ml.Transforms.EncodeSequences(new SequenceEncodingOptions
            {
                InputColumnName = nameof(EcgRow.Values),
                OutputColumnName = "Encoding",
                FeaturesPerStep = 1,
                HiddenSizes = new[] { candidate.Hidden },
                EncodingSize = candidate.Encoding,
                Epochs = candidate.Epochs,
                ValidationFraction = 0,
                Seed = 1,
            }).Fit(fitView);
            // Cache the encodings: each classifier pass would otherwise run the network again.
            IDataView fitEncoded = ml.Data.Cache(encoder.Transform(fitView));
            IDataView evaluateEncoded = ml.Data.Cache(encoder.Transform(Load(ml, evaluate)));
            return trainers.ToDictionary(t => t, t => Accuracy(ml, fitEncoded, evaluateEncoded, "Encoding", t));
        }

        /// <summary>One autoencoder candidate: one LSTM layer of <paramref name="Hidden"/> units.</summary>
        private sealed record Candidate(int Hidden, int Encoding, int Epochs);

        /// <summary>Multiclass micro accuracy of MapValueToKey → NormalizeMeanVariance → the trainer (LbfgsMaximumEntropy or LightGbm) on one column.</summary>
        internal static double Accuracy(MLContext ml, IDataView fit, IDataView evaluate, string features, string trainer = "lbfgs")
        {
            var prefix = ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(EcgRow.Label))
                .Append(ml.Transforms.NormalizeMeanVariance("Normalized", features));
            IEstimator<ITransformer> classifier = trainer switch
            {
                "lightgbm" => ml.MulticlassClassification.Trainers.LightGbm("LabelKey", "Normalized"),
                _ => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Normalized"),
            };
            var pipeline = prefix.Append(classifier);
            var model = pipeline.Fit(fit);
            return ml.MulticlassClassification.Evaluate(model.Transform(evaluate), "LabelKey").MicroAccuracy;
        }

        internal static IDataView Load(MLContext ml, List<EcgRow> rows)
        {
            var definition = SchemaDefinition.Create(typeof(EcgRow));
            definition[nameof(EcgRow.Values)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Steps);
            return ml.Data.LoadFromEnumerable(rows, definition);
        }

        internal static List<EcgRow> Read(string path)
        {
            var rows = new List<EcgRow>();
            foreach (string line in File.ReadLines(path))
            {
                if (line.Length == 0)
                    continue;
                string[] fields = line.Split(',');
                if (fields.Length != Steps + 1)
                    throw new BenchmarkSetupException($"{path}: expected {Steps + 1} fields, found {fields.Length}.");
                rows.Add(new EcgRow
                {
                    Label = float.Parse(fields[0], CultureInfo.InvariantCulture),
                    Values = fields.Skip(1).Select(f => float.Parse(f, CultureInfo.InvariantCulture)).ToArray(),
                });
            }
            return rows;
        }

        /// <summary>One ECG5000 beat: the class (1..5), then 140 values.</summary>
        internal sealed class EcgRow
        {
            public float Label { get; set; }

            public float[] Values { get; set; }
        }
    }
}
