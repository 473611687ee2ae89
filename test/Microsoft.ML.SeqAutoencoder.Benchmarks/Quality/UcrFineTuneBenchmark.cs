using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using static Microsoft.ML.SeqAutoencoder.Benchmarks.Quality.Ecg5000;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Quality
{
    /// <summary>
    /// The fine-tuned classifier on UCR ECG5000. The labeled rows are the whole TRAIN split (exactly 500 rows). The
    /// autoencoder is fitted on the same 500 rows with labels unused (the architecture and settings chosen by the
    /// <c>ucr</c> benchmark: hidden 64, encoding 64, 40 epochs, seed 1). Then, on the 500 labeled rows:
    /// (1) <c>LstmSequenceClassifier</c> initialized from that autoencoder's encoder and fine-tuned;
    /// (1b) the same classifier from a random initialization, same settings and seed, for reference;
    /// (2) its encodings + <c>NormalizeMeanVariance</c> + <c>LbfgsMaximumEntropy</c>;
    /// (3) the 140 raw values + the same trainer. Accuracy on the test split. The classifier settings were fixed before
    /// the first run, not tuned on the test split. <c>--seeds 1,2,3</c> repeats (1) and (1b) with those classifier seeds
    /// (default: seed 1 only) to show their seed-to-seed spread.
    /// </summary>
    internal static class UcrFineTuneBenchmark
    {
        private static readonly int[] _hidden = { 64 };
        private const int EncodingSize = 64;

        public static int Run(string[] args)
        {
            string folder = BenchmarkEnvironment.SharedData("ucr");
            var watch = Stopwatch.StartNew();
            var ml = new MLContext(seed: 1);
            ml.Log += (_, e) =>
            {
                if (e.Source.Contains("LstmSequenceClassifier", StringComparison.Ordinal)
                    || e.Message.StartsWith("Training an", StringComparison.Ordinal))
                {
                    Console.WriteLine($"  {e.Message}");
                }
            };
            List<EcgRow> train = Read(Path.Combine(folder, "ECG5000_TRAIN.csv"));
            List<EcgRow> test = Read(Path.Combine(folder, "ECG5000_TEST.csv"));
            Console.WriteLine($"ECG5000: {train.Count} train (all labeled), {test.Count} test rows of {Steps} values");
            Console.WriteLine(BenchmarkEnvironment.Describe());
            IDataView trainView = Load(ml, train);
            IDataView testView = Load(ml, test);

            var report = new StringBuilder();
            report.AppendLine("| method | labeled rows | unlabeled rows (autoencoder) | test accuracy (micro) | test accuracy (macro) | seconds |");
            report.AppendLine("| --- | --- | --- | --- | --- | --- |");
            void Row(string method, bool usesAutoencoder, (double Micro, double Macro) accuracy, double seconds)
            {
                string line = $"| {method} | {train.Count} | {(usesAutoencoder ? train.Count.ToString() : "–")} | {accuracy.Micro:F4} | {accuracy.Macro:F4} | {seconds:F0} |";
                Console.WriteLine(line);
                report.AppendLine(line);
            }

            var clock = Stopwatch.StartNew();
            using SequenceEncodingTransformer encoder = ml.Transforms.EncodeSequences(new SequenceEncodingOptions
            {
                InputColumnName = nameof(EcgRow.Values),
                OutputColumnName = "Encoding",
                FeaturesPerStep = 1,
                HiddenSizes = _hidden,
                EncodingSize = EncodingSize,
                Epochs = Epochs,
                ValidationFraction = 0,
                Seed = 1,
                // The figures of this benchmark were measured with the code as the encoding column.
                Readout = SequenceEncodingReadout.Code,
            }).Fit(trainView);
            double autoencoderSeconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine($"autoencoder fitted in {autoencoderSeconds:F0} s");

            int[] seeds = ParseSeeds(args);
            var fineTunedRuns = new List<(double Micro, double Macro)>();
            var randomRuns = new List<(double Micro, double Macro)>();
            foreach (int seed in seeds)
            {
                clock.Restart();
                fineTunedRuns.Add(Classify(ml, trainView, testView, encoder, seed));
                Row($"**LstmSequenceClassifier fine-tuned from the autoencoder's encoder** ({ClassifierSettings}, classifier seed {seed})", true,
                    fineTunedRuns[^1], clock.Elapsed.TotalSeconds + autoencoderSeconds);

                clock.Restart();
                randomRuns.Add(Classify(ml, trainView, testView, null, seed));
                Row($"LstmSequenceClassifier from a random initialization (same settings, classifier seed {seed})", false, randomRuns[^1], clock.Elapsed.TotalSeconds);
            }
            if (seeds.Length > 1)
            {
                report.AppendLine($"| fine-tuned, mean of {seeds.Length} classifier seeds (min–max micro {fineTunedRuns.Min(r => r.Micro):F4}–{fineTunedRuns.Max(r => r.Micro):F4}) | | | " +
                    $"{fineTunedRuns.Average(r => r.Micro):F4} | {fineTunedRuns.Average(r => r.Macro):F4} | |");
                report.AppendLine($"| random initialization, mean of {seeds.Length} classifier seeds (min–max micro {randomRuns.Min(r => r.Micro):F4}–{randomRuns.Max(r => r.Micro):F4}) | | | " +
                    $"{randomRuns.Average(r => r.Micro):F4} | {randomRuns.Average(r => r.Macro):F4} | |");
            }

            clock.Restart();
            IDataView trainEncoded = ml.Data.Cache(encoder.Transform(trainView));
            IDataView testEncoded = ml.Data.Cache(encoder.Transform(testView));
            var encoded = LinearAccuracy(ml, trainEncoded, testEncoded, "Encoding");
            Row("encodings + NormalizeMeanVariance + LbfgsMaximumEntropy", true, encoded, clock.Elapsed.TotalSeconds + autoencoderSeconds);

            clock.Restart();
            var raw = LinearAccuracy(ml, trainView, testView, nameof(EcgRow.Values));
            Row("raw 140 values + NormalizeMeanVariance + LbfgsMaximumEntropy", false, raw, clock.Elapsed.TotalSeconds);

            report.AppendLine();
            report.AppendLine($"Total runtime {watch.Elapsed.TotalSeconds:F0} s. Seconds for rows using the autoencoder include its {autoencoderSeconds:F0} s fit. " +
                $"Test split: {test.Count} rows.");
            string output = Path.Combine(BenchmarkEnvironment.OutputFolder(), $"ucr-finetune-ecg5000-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md");
            File.WriteAllText(output, report.ToString());
            Console.WriteLine(report.ToString());
            Console.WriteLine($"Wrote {output}");
            return 0;
        }

        private const string ClassifierSettings = "5 frozen epochs, 40 epochs, head lr 0.01, encoder lr 0.001, batch 32, 10% validation, patience 10";

        /// <summary><c>--seeds 1,2,3</c>: the classifier seeds (the autoencoder keeps seed 1); default 1.</summary>
        private static int[] ParseSeeds(string[] args)
        {
            int at = Array.IndexOf(args, "--seeds");
            if (at < 0)
                return new[] { 1 };
            if (at + 1 >= args.Length)
                throw new BenchmarkSetupException("--seeds needs a comma-separated list, e.g. --seeds 1,2,3");
            return args[at + 1].Split(',').Select(int.Parse).ToArray();
        }

        private static (double Micro, double Macro) Classify(MLContext ml, IDataView train, IDataView test, SequenceEncodingTransformer encoder, int seed)
        {
            var pipeline = ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(EcgRow.Label))
                .Append(ml.MulticlassClassification.Trainers.LstmSequenceClassifier(new SequenceClassifierOptions
                {
                    LabelColumnName = "LabelKey",
                    FeatureColumnName = nameof(EcgRow.Values),
                    HiddenSizes = _hidden,
                    EncodingSize = EncodingSize,
                    PretrainedEncoder = encoder,
                    FreezeEncoderEpochs = 5,
                    Epochs = 40,
                    HeadLearningRate = 0.01,
                    EncoderLearningRate = 0.001,
                    BatchSize = 32,
                    ValidationFraction = 0.1,
                    EarlyStoppingPatience = 10,
                    Seed = seed,
                }));
            var model = pipeline.Fit(train);
            try
            {
                var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test), "LabelKey");
                return (metrics.MicroAccuracy, metrics.MacroAccuracy);
            }
            finally
            {
                model.LastTransformer.Model.Dispose();
            }
        }

        private static (double Micro, double Macro) LinearAccuracy(MLContext ml, IDataView fit, IDataView evaluate, string features)
        {
            var pipeline = ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(EcgRow.Label))
                .Append(ml.Transforms.NormalizeMeanVariance("Normalized", features))
                .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Normalized"));
            var metrics = ml.MulticlassClassification.Evaluate(pipeline.Fit(fit).Transform(evaluate), "LabelKey");
            return (metrics.MicroAccuracy, metrics.MacroAccuracy);
        }
    }
}
