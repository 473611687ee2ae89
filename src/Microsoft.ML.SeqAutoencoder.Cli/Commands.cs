using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;
using Microsoft.ML.Data;
using Spectre.Console;

namespace Microsoft.ML.SeqAutoencoder.Cli
{
    /// <summary>What each command does once its arguments are parsed.</summary>
    internal static class Commands
    {
        private const string PredictionColumn = "Prediction";

        public static int Train(ParseResult result)
        {
            string input = result.GetValue(CliOptions.Input), modelPath = result.GetValue(CliOptions.ModelOut);
            string label = result.GetValue(CliOptions.Label);
            int window = result.GetValue(CliOptions.Window);
            bool hasHeader = !result.GetValue(CliOptions.NoHeader);
            var table = CsvTable.Read(input, hasHeader);
            if (label != null)
                table.IndexOf(label);
            int[] columns = table.Select(result.GetValue(CliOptions.Columns), CliOptions.Exclude(label));
            var mlContext = new MLContext(seed: result.GetValue(CliOptions.Seed));

            ModelTask task = window > 0 ? ModelTask.Series : result.GetValue(CliOptions.Task) == TrainTask.Detect ? ModelTask.Detect : ModelTask.Encode;
            if (window < 0)
                throw new CliException("--window must be 0 (off) or at least 2.");
            int featuresPerStep = result.GetValue(CliOptions.FeaturesPerStep);
            float[][] rows;
            if (task == ModelTask.Series)
            {
                if (result.GetResult(CliOptions.FeaturesPerStep) != null && featuresPerStep != columns.Length)
                    throw new CliException($"with --window each row is one step: --features-per-step {featuresPerStep} does not match the {columns.Length} feature columns.");
                featuresPerStep = columns.Length;
                rows = table.ReadNumbers(columns);
            }
            else
            {
                rows = FeatureData.ReadSequences(table, columns, featuresPerStep);
            }
            IDataView data = FeatureData.Create(mlContext, rows);
            string what = task switch
            {
                ModelTask.Encode => $"an encoder on {rows.Length} sequences",
                ModelTask.Detect => $"a sequence anomaly detector on {rows.Length} sequences",
                _ => $"a time-series detector on {rows.Length} steps, window {window},",
            };
            Console.WriteLine($"Training {what} of {columns.Length} values from {input}.");

            ITransformer model = TrainingProgress.Run(mlContext, "Training", () => Fit(mlContext, task, window, result, data));
            var settings = new CsvSettings(task, columns.Select(c => table.Columns[c]).ToArray(), featuresPerStep, hasHeader, label, window);
            ModelBundle.Save(mlContext, model, data.Schema, settings, modelPath);
            (model as IDisposable)?.Dispose();
            Console.WriteLine($"Model written to {modelPath}");
            return 0;
        }

        private static ITransformer Fit(MLContext mlContext, ModelTask task, int window, ParseResult result, IDataView data)
        {
            switch (task)
            {
                case ModelTask.Encode:
                    var encoder = new SequenceEncodingOptions
                    {
                        InputColumnName = ModelBundle.FeaturesColumn,
                        OutputColumnName = "Encoding",
                        Readout = result.GetValue(CliOptions.Readout),
                        ReadoutSegments = result.GetValue(CliOptions.ReadoutSegments),
                    };
                    CliOptions.ApplyTraining(encoder, result);
                    return mlContext.Transforms.EncodeSequences(encoder).Fit(data);
                case ModelTask.Detect:
                    var detector = new SequenceAnomalyOptions
                    {
                        FeatureColumnName = ModelBundle.FeaturesColumn,
                        ScoringMethod = result.GetValue(CliOptions.Scoring),
                        ThresholdMethod = result.GetValue(CliOptions.ThresholdMethod),
                        ThresholdQuantile = result.GetValue(CliOptions.ThresholdQuantile),
                        ThresholdK = result.GetValue(CliOptions.ThresholdK),
                        ScoreHoldOutFraction = result.GetValue(CliOptions.ScoreHoldOutFraction),
                    };
                    CliOptions.ApplyTraining(detector, result);
                    if (detector.ThresholdMethod == SequenceAnomalyThresholdMethod.FBetaOptimal)
                        throw new CliException("--threshold-method FBetaOptimal needs labeled validation data, which the tool does not take; use Quantile or MeanPlusKStd.");
                    return mlContext.AnomalyDetection.Trainers.LstmAutoencoder(detector).Fit(data);
                default:
                    var series = new TimeSeriesAnomalyOptions
                    {
                        InputColumnName = ModelBundle.FeaturesColumn,
                        OutputColumnName = PredictionColumn,
                        WindowSize = window,
                        Stride = result.GetValue(CliOptions.Stride),
                        Confidence = result.GetValue(CliOptions.Confidence),
                        HoldOutFraction = result.GetValue(CliOptions.HoldOutFraction),
                    };
                    CliOptions.ApplyTraining(series, result);
                    series.FeaturesPerStep = ((VectorDataViewType)data.Schema[ModelBundle.FeaturesColumn].Type).Size;
                    return mlContext.Transforms.DetectAnomalyBySequenceAutoencoder(series).Fit(data);
            }
        }

        public static int Encode(ParseResult result)
        {
            var mlContext = new MLContext(seed: 1);
            var (model, settings) = ModelBundle.Load(mlContext, result.GetValue(CliOptions.ModelIn));
            if (settings.Task != ModelTask.Encode)
                throw new CliException($"the model was trained with --task {settings.Task.ToString().ToLowerInvariant()}; 'encode' needs one trained with --task encode.");
            var (table, columns) = ReadInput(result, settings);
            float[][] rows = FeatureData.ReadSequences(table, columns, settings.FeaturesPerStep);
            float[][] encodings = model.Transform(FeatureData.Create(mlContext, rows)).GetColumn<float[]>("Encoding").ToArray();
            string output = result.GetValue(CliOptions.Output);
            string[] names = Enumerable.Range(0, encodings[0].Length).Select(i => $"enc{i}").ToArray();
            table.Write(output, PassThrough(table, columns), names, r => encodings[r].Select(v => CsvTable.Format(v)));
            Console.WriteLine($"Encoded {rows.Length} sequences into {names.Length} values each: {output}");
            (model as IDisposable)?.Dispose();
            return 0;
        }

        public static int Detect(ParseResult result)
        {
            var mlContext = new MLContext(seed: 1);
            var detection = Score(mlContext, result);
            string output = result.GetValue(CliOptions.Output);
            string[] names = detection.Task == ModelTask.Series ? new[] { "alert", "raw_score", "p_value" } : new[] { "alert", "score" };
            detection.Table.Write(output, PassThrough(detection.Table, detection.Columns), names, r => detection.Task == ModelTask.Series
                ? new[] { detection.Alerts[r] ? "1" : "0", CsvTable.Format(detection.Scores[r]), CsvTable.Format(detection.PValues[r]) }
                : new[] { detection.Alerts[r] ? "1" : "0", CsvTable.Format(detection.Scores[r]) });
            Console.WriteLine($"Scored {detection.Scores.Length} rows: {detection.Alerts.Count(a => a)} alerts. Written to {output}");
            string plot = result.GetValue(CliOptions.Plot);
            if (plot != null)
            {
                DetectionPlot.Save(detection, plot);
                Console.WriteLine($"Plot written to {plot}");
            }
            return 0;
        }

        public static int Evaluate(ParseResult result)
        {
            var mlContext = new MLContext(seed: 1);
            var detection = Score(mlContext, result);
            string label = result.GetValue(CliOptions.Label) ?? detection.Settings.LabelColumn
                ?? throw new CliException("no label column: pass --label-column (the model was trained without one).");
            int labelIndex = detection.Table.IndexOf(label);
            bool[] truth = new bool[detection.Scores.Length];
            for (int r = 0; r < truth.Length; r++)
            {
                float value = detection.Table.ParseNumber(r, labelIndex);
                if (value != 0 && value != 1)
                    throw new CliException($"{detection.Table.Path}: line {detection.Table.FirstDataLine + r}, column '{label}': labels must be 0 or 1, found '{detection.Table.Rows[r][labelIndex]}'.");
                truth[r] = value == 1;
            }
            var metrics = DetectionMetrics.Compute(detection.Scores, detection.Alerts, truth);
            Console.WriteLine($"{detection.Table.Path}: {truth.Length} rows, {truth.Count(t => t)} labeled anomalous ('{label}').");
            var table = new Table()
                .AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
            void Row(string name, string value) => table.AddRow(name, value);
            Row("AUC-PR (average precision)", metrics.AveragePrecision.ToString("F4", CultureInfo.InvariantCulture));
            Row("AUC-ROC", metrics.AreaUnderRoc.ToString("F4", CultureInfo.InvariantCulture));
            Row("precision", metrics.Precision.ToString("F4", CultureInfo.InvariantCulture));
            Row("recall", metrics.Recall.ToString("F4", CultureInfo.InvariantCulture));
            Row("F1", metrics.F1.ToString("F4", CultureInfo.InvariantCulture));
            Row("alerts (TP / FP)", $"{metrics.TruePositives} / {metrics.FalsePositives}");
            Row("missed (FN)", metrics.FalseNegatives.ToString(CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            return 0;
        }

        /// <summary>Loads the model and the input, and scores every row (a detector model is required).</summary>
        private static Detection Score(MLContext mlContext, ParseResult result)
        {
            var (model, settings) = ModelBundle.Load(mlContext, result.GetValue(CliOptions.ModelIn));
            if (settings.Task == ModelTask.Encode)
                throw new CliException("the model is an encoder (--task encode); train a detector with --task detect or --window.");
            var (table, columns) = ReadInput(result, settings);
            var detection = new Detection { Table = table, Columns = columns, Settings = settings, Task = settings.Task };
            if (settings.Task == ModelTask.Series)
            {
                if (columns.Length != settings.FeaturesPerStep)
                    throw new CliException($"the model reads {settings.FeaturesPerStep} feature columns per row; {columns.Length} were selected.");
                double[][] output = model.Transform(FeatureData.Create(mlContext, table.ReadNumbers(columns))).GetColumn<double[]>(PredictionColumn).ToArray();
                detection.Alerts = output.Select(o => o[0] != 0).ToArray();
                detection.Scores = output.Select(o => o[1]).ToArray();
                detection.PValues = output.Select(o => o[2]).ToArray();
                detection.Signal = table.ReadNumbers(new[] { columns[0] }).Select(v => (double)v[0]).ToArray();
            }
            else
            {
                float threshold = result.GetValue(CliOptions.Threshold);
                if (!(threshold > 0 && threshold < 1))
                    throw new CliException("--threshold must be between 0 and 1.");
                if (threshold != 0.5f)
                    model = mlContext.AnomalyDetection.ChangeSequenceAnomalyThreshold(model, threshold);
                IDataView scored = model.Transform(FeatureData.Create(mlContext, FeatureData.ReadSequences(table, columns, settings.FeaturesPerStep)));
                detection.Scores = scored.GetColumn<float>("Score").Select(s => (double)s).ToArray();
                detection.Alerts = scored.GetColumn<bool>("PredictedLabel").ToArray();
                detection.Threshold = threshold;
            }
            (model as IDisposable)?.Dispose();
            return detection;
        }

        private static (CsvTable Table, int[] Columns) ReadInput(ParseResult result, CsvSettings settings)
        {
            bool hasHeader = settings.HasHeader && !result.GetValue(CliOptions.NoHeader);
            var table = CsvTable.Read(result.GetValue(CliOptions.Input), hasHeader);
            string spec = result.GetValue(CliOptions.Columns);
            int[] columns = spec != null ? table.Select(spec) : settings.Columns.Select(table.IndexOf).ToArray();
            return (table, columns);
        }

        private static int[] PassThrough(CsvTable table, int[] features)
            => Enumerable.Range(0, table.Columns.Length).Where(c => !features.Contains(c)).ToArray();
    }
}
