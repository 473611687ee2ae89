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
    /// train <c>LbfgsMaximumEntropy</c> (after <c>NormalizeMeanVariance</c>) on the training encodings, report test
    /// accuracy, and the same trainer on the raw 140 values in the same run. The architecture is chosen among a few
    /// candidates by accuracy on a validation split of TRAIN (80/20, seeded); the test split is used once, at the end.
    /// </summary>
    internal static class UcrBenchmark
    {
        internal const int Steps = 140;
        internal const int Epochs = 40;

        /// <summary>The candidate architectures: encoder LSTM sizes and encoding length.</summary>
        private static readonly (int[] Hidden, int Encoding)[] _candidates =
        {
            (new[] { 32 }, 16),
            (new[] { 64 }, 32),
            (new[] { 64 }, 64),
        };

        public static int Run(string[] args)
        {
            if (args.Length == 2 && args[0] == "--explore")
                return Explore(args[1]);
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
            report.AppendLine("| stage | hidden | encoding | epochs | accuracy (encodings) | accuracy (raw) | seconds |");
            report.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            double validationRaw = Accuracy(ml, Load(ml, fit), Load(ml, validation), nameof(EcgRow.Values));
            int best = -1;
            double bestAccuracy = double.NegativeInfinity;
            for (int c = 0; c < _candidates.Length; c++)
            {
                var candidateWatch = Stopwatch.StartNew();
                double accuracy = EncodedAccuracy(ml, fit, validation, _candidates[c]);
                string line = $"| validation (400 fit / 100 val of TRAIN) | {string.Join("-", _candidates[c].Hidden)} | {_candidates[c].Encoding} | {Epochs} | " +
                    $"{accuracy:F4} | {validationRaw:F4} | {candidateWatch.Elapsed.TotalSeconds:F0} |";
                Console.WriteLine(line);
                report.AppendLine(line);
                if (accuracy > bestAccuracy)
                {
                    bestAccuracy = accuracy;
                    best = c;
                }
            }

            var finalWatch = Stopwatch.StartNew();
            double testRaw = Accuracy(ml, Load(ml, train), Load(ml, test), nameof(EcgRow.Values));
            double testEncoded = EncodedAccuracy(ml, train, test, _candidates[best]);
            string final = $"| **test (fit on all 500 TRAIN)** | {string.Join("-", _candidates[best].Hidden)} | {_candidates[best].Encoding} | {Epochs} | " +
                $"**{testEncoded:F4}** | {testRaw:F4} | {finalWatch.Elapsed.TotalSeconds:F0} |";
            Console.WriteLine(final);
            report.AppendLine(final);
            report.AppendLine();
            report.AppendLine($"Total runtime {watch.Elapsed.TotalSeconds:F0} s. Test split: the UCR test split minus one class-1 row, values at float32 precision ({test.Count} rows).");

            string output = Path.Combine(BenchmarkEnvironment.OutputFolder(), $"ucr-ecg5000-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md");
            File.WriteAllText(output, report.ToString());
            Console.WriteLine(report.ToString());
            Console.WriteLine($"Wrote {output}");
            return 0;
        }

        /// <summary>Validation accuracies only (TRAIN split 80/20) of "hidden:encoding:epochs[:lr]" candidates, for both trainers.</summary>
        private static int Explore(string list)
        {
            string folder = BenchmarkEnvironment.SharedData("ucr");
            var ml = new MLContext(seed: 1);
            List<EcgRow> train = Read(Path.Combine(folder, "ECG5000_TRAIN.csv"));
            var random = new Random(1);
            EcgRow[] shuffled = train.OrderBy(_ => random.Next()).ToArray();
            int fitCount = shuffled.Length * 4 / 5;
            List<EcgRow> fit = shuffled.Take(fitCount).ToList();
            List<EcgRow> validation = shuffled.Skip(fitCount).ToList();
            foreach (string trainer in new[] { "lbfgs", "lightgbm", "sdca" })
                Console.WriteLine($"raw {trainer}: {Accuracy(ml, Load(ml, fit), Load(ml, validation), nameof(EcgRow.Values), trainer):F4}");
            foreach (string candidate in list.Split(','))
            {
                var watch = Stopwatch.StartNew();
                string[] parts = candidate.Split(':');
                IDataView fitView = Load(ml, fit);
                using SequenceEncodingTransformer encoder = ml.Transforms.EncodeSequences(new SequenceAutoencoderOptions
                {
                    InputColumnName = nameof(EcgRow.Values),
                    OutputColumnName = "Encoding",
                    FeaturesPerStep = 1,
                    HiddenSizes = new[] { int.Parse(parts[0], CultureInfo.InvariantCulture) },
                    EncodingSize = int.Parse(parts[1], CultureInfo.InvariantCulture),
                    Epochs = int.Parse(parts[2], CultureInfo.InvariantCulture),
                    LearningRate = parts.Length > 3 ? double.Parse(parts[3], CultureInfo.InvariantCulture) : 0.01,
                    ValidationFraction = 0,
                    Seed = 1,
                }).Fit(fitView);
                IDataView fitEncoded = ml.Data.Cache(encoder.Transform(fitView));
                IDataView evaluateEncoded = ml.Data.Cache(encoder.Transform(Load(ml, validation)));
                foreach (string trainer in new[] { "lbfgs", "lightgbm", "sdca" })
                    Console.WriteLine($"{candidate} {trainer}: {Accuracy(ml, fitEncoded, evaluateEncoded, "Encoding", trainer):F4} ({watch.Elapsed.TotalSeconds:F0} s)");
            }
            return 0;
        }

        /// <summary>Fits the autoencoder on <paramref name="fit"/> (labels unused), then the classifier on its encodings.</summary>
        private static double EncodedAccuracy(MLContext ml, List<EcgRow> fit, List<EcgRow> evaluate, (int[] Hidden, int Encoding) architecture)
        {
            IDataView fitView = Load(ml, fit);
            using SequenceEncodingTransformer encoder = ml.Transforms.EncodeSequences(new SequenceAutoencoderOptions
            {
                InputColumnName = nameof(EcgRow.Values),
                OutputColumnName = "Encoding",
                FeaturesPerStep = 1,
                HiddenSizes = architecture.Hidden,
                EncodingSize = architecture.Encoding,
                Epochs = Epochs,
                ValidationFraction = 0,
                Seed = 1,
            }).Fit(fitView);
            // Cache the encodings: each classifier pass would otherwise run the network again.
            IDataView fitEncoded = ml.Data.Cache(encoder.Transform(fitView));
            IDataView evaluateEncoded = ml.Data.Cache(encoder.Transform(Load(ml, evaluate)));
            return Accuracy(ml, fitEncoded, evaluateEncoded, "Encoding");
        }

        /// <summary>Multiclass micro accuracy of MapValueToKey → NormalizeMeanVariance → LbfgsMaximumEntropy on one column.</summary>
        internal static double Accuracy(MLContext ml, IDataView fit, IDataView evaluate, string features, string trainer = "lbfgs")
        {
            var prefix = ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(EcgRow.Label))
                .Append(ml.Transforms.NormalizeMeanVariance("Normalized", features));
            IEstimator<ITransformer> classifier = trainer switch
            {
                "lightgbm" => ml.MulticlassClassification.Trainers.LightGbm("LabelKey", "Normalized"),
                "sdca" => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy("LabelKey", "Normalized"),
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
