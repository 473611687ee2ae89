using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Harness;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Speed
{
    /// <summary>
    /// One-row latency, fairly compared: for each shape, <c>EncodeSequences</c> (error column) and the anomaly trainer
    /// (Score) with the same architecture are fitted in one process, then their PredictionEngines are timed in
    /// alternation, several rounds, so that neither is measured earlier in the process than the other (the speed
    /// benchmark's scoring child measures them one after the other).
    /// </summary>
    internal sealed class OneRowBenchmark : IBenchmark
    {
        public string Name => "onerow";

        public string Description => "PredictionEngine of the anomaly trainer's Score vs EncodeSequences' error column, alternated in one process";

        public string Usage => string.Join(Environment.NewLine,
            "onerow [--shapes a,b,c] [--rows 2000] [--rounds 5]",
            "  --rows N     Predict calls per engine and round",
            "  --rounds N   alternating rounds; the median per engine is reported");

        public int Run(BenchmarkArguments arguments)
        {
            string[] shapes = arguments.String("shapes", "a,b,c").Split(',');
            int calls = arguments.Int("rows", 2000, 1);
            int rounds = arguments.Int("rounds", 5, 1);
            arguments.ThrowOnUnknown();

            var report = new MarkdownReport(Name, $"onerow --shapes {string.Join(",", shapes)} --rows {calls} --rounds {rounds}");
            report.Add("| shape | EncodeSequences error column, PredictionEngine rows/s | LstmAutoencoder Score, PredictionEngine rows/s | ratio (target ≥ 0.8) |");
            report.Add("| --- | ---: | ---: | ---: |");
            foreach (string name in shapes)
            {
                BenchmarkShape shape = BenchmarkShape.Find(name);
                var ml = new MLContext(seed: 1);
                float[][] pool = shape.RandomRows(1, 512);
                IDataView training = RowSource.Load(ml, shape, pool);
                using var encoder = ml.Transforms.EncodeSequences(new SequenceEncodingOptions
                {
                    InputColumnName = "Features", FeaturesPerStep = shape.Features, HiddenSizes = new[] { shape.Hidden }, EncodingSize = shape.Hidden,
                    Epochs = 1, Seed = 1, ReconstructionErrorColumnName = "Error",
                }).Fit(training);
                var anomaly = ml.AnomalyDetection.Trainers.LstmAutoencoder(new SequenceAnomalyOptions
                {
                    FeatureColumnName = "Features", FeaturesPerStep = shape.Features, HiddenSizes = new[] { shape.Hidden }, EncodingSize = shape.Hidden,
                    Epochs = 1, Seed = 1,
                }).Fit(training);
                try
                {
                    var errorEngine = ml.Model.CreatePredictionEngine<RowSource.Row, ErrorRow>(encoder, inputSchemaDefinition: RowSource.Schema(shape));
                    var scoreEngine = ml.Model.CreatePredictionEngine<RowSource.Row, ScoreRow>(anomaly, inputSchemaDefinition: RowSource.Schema(shape));
                    var rows = pool.Select(v => new RowSource.Row { Features = v }).ToArray();
                    double Rate(Action<RowSource.Row> predict)
                    {
                        var clock = Stopwatch.StartNew();
                        for (int i = 0; i < calls; i++)
                            predict(rows[i % rows.Length]);
                        return calls / clock.Elapsed.TotalSeconds;
                    }
                    Rate(r => errorEngine.Predict(r));
                    Rate(r => scoreEngine.Predict(r));
                    var errorRates = new List<double>();
                    var scoreRates = new List<double>();
                    for (int round = 0; round < rounds; round++)
                    {
                        errorRates.Add(Rate(r => errorEngine.Predict(r)));
                        scoreRates.Add(Rate(r => scoreEngine.Predict(r)));
                    }
                    double error = Statistics.MedianOf(errorRates), score = Statistics.MedianOf(scoreRates);
                    string line = $"| {name} (T={shape.Steps} F={shape.Features} H={shape.Hidden}) | {error:F0} | {score:F0} | {score / error:F2} |";
                    report.Measured(line);
                }
                finally
                {
                    anomaly.Model.Dispose();
                }
            }
            report.Finish();
            return 0;
        }

        private sealed class ErrorRow
        {
            public float Error { get; set; }
        }

        private sealed class ScoreRow
        {
            public float Score { get; set; }
        }
    }
}
