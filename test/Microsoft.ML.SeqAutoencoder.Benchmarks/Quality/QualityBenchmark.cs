using System;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Harness;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Quality
{
    /// <summary>
    /// Adapts the model-quality benchmarks (SMAP detection, UCR classification), which read their own options, to
    /// <see cref="IBenchmark"/>. The metric self-checks run first, so a broken metric cannot produce a table.
    /// </summary>
    internal sealed class QualityBenchmark : IBenchmark
    {
        private readonly Func<string[], int> _run;

        private QualityBenchmark(string name, string description, string usage, Func<string[], int> run)
        {
            Name = name;
            Description = description;
            Usage = usage;
            _run = run;
        }

        /// <summary>The quality benchmarks.</summary>
        public static IBenchmark[] All { get; } =
        {
            new QualityBenchmark("smap", "SMAP anomaly detection: streaming detector, EncDec-AD, RandomizedPca, baseline (AUC-PR, ROC-AUC, best F1)",
                "smap [--channels A-1,E-1] [--quick]   (reads ../shared/data/smap)", SmapBenchmark.Run),
            new QualityBenchmark("ucr", "UCR/UEA panel: LBFGS on default encodings vs on raw values, encodings + raw, 1-NN",
                "ucr [--sets GunPoint,ArrowHead,BasicMotions,JapaneseVowels,ECG5000] [--seeds 1,2,3] [--validation]   (reads ../shared/data/ucr;\n"
                + "    --validation compares encoding readouts on stratified folds of TRAIN only, the protocol the defaults were chosen with)", UcrPanelBenchmark.Run),
            new QualityBenchmark("ucr-finetune", "UCR ECG5000: LstmSequenceClassifier fine-tuned from the autoencoder vs encodings vs raw",
                "ucr-finetune [--seeds 1,2,3]   (reads ../shared/data/ucr)", UcrFineTuneBenchmark.Run),
        };

        public string Name { get; }

        public string Description { get; }

        public string Usage { get; }

        public int Run(BenchmarkArguments arguments)
        {
            try
            {
                DetectionMetrics.SelfCheck();
                return _run(arguments.Tokens.ToArray());
            }
            catch (BenchmarkSetupException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        }
    }
}
