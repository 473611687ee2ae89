using System;
using System.CommandLine;
using System.Globalization;
using System.Linq;

namespace Microsoft.ML.SeqAutoencoder.Cli
{
    /// <summary>The command-line options, one place, with the library's defaults.</summary>
    internal static class CliOptions
    {
        private static readonly SequenceEncodingOptions _encoderDefaults = new SequenceEncodingOptions();
        private static readonly SequenceAnomalyOptions _anomalyDefaults = new SequenceAnomalyOptions();
        private static readonly TimeSeriesAnomalyOptions _seriesDefaults = new TimeSeriesAnomalyOptions();

        // Input and output.
        public static readonly Argument<string> Input = new Argument<string>("input") { Description = "CSV file: a header row, then one row per sequence (or per time step with --window)." };
        public static readonly Option<string> ModelOut = new Option<string>("--model", "-m") { Description = "Model zip to write.", Required = true };
        public static readonly Option<string> ModelIn = new Option<string>("--model", "-m") { Description = "Model zip written by 'seqae train'.", Required = true };
        public static readonly Option<string> Output = new Option<string>("--output", "-o") { Description = "CSV file to write: the input's other columns, then the added ones.", Required = true };
        public static readonly Option<string> Columns = new Option<string>("--columns", "-c") { Description = "Feature columns: names and ranges first:last, comma-separated, step-major (step 0's F features, then step 1's...). Default: all but the label column (train), the training columns (other commands)." };
        public static readonly Option<string> Label = new Option<string>("--label-column", "-l") { Description = "Column holding 0/1 labels (1 = anomalous). Never a feature; used by 'evaluate'." };
        public static readonly Option<bool> NoHeader = new Option<bool>("--no-header") { Description = "The CSV has no header row; columns are named by position: 1, 2, ..." };
        public static readonly Option<int> FeaturesPerStep = new Option<int>("--features-per-step", "-f") { Description = "F, features per time step (rows of T·F values). With --window, the number of feature columns.", DefaultValueFactory = _ => _encoderDefaults.FeaturesPerStep };
        public static readonly Option<int> Window = new Option<int>("--window", "-w") { Description = "Time-series mode: one row per time step; score the window of the last W rows (DetectAnomalyBySequenceAutoencoder). 0 = off." };
        public static readonly Option<TrainTask> Task = new Option<TrainTask>("--task", "-t") { Description = "What the model is for: 'encode' (an encoder for 'seqae encode') or 'detect' (anomalous sequences, for 'detect'/'evaluate'). --window implies detect.", DefaultValueFactory = _ => TrainTask.Encode };
        public static readonly Option<string> Plot = new Option<string>("--plot", "-p") { Description = "Also write a PNG plot of scores and alerts here." };
        public static readonly Option<float> Threshold = new Option<float>("--threshold") { Description = "Per-sequence models: alert when Score > this (0.5 = the threshold learned in training; lower flags more).", DefaultValueFactory = _ => 0.5f };

        // Network and training (SequenceAutoencoderOptions).
        public static readonly Option<int> EncodingSize = new Option<int>("--encoding-size") { Description = "Length of the code the decoders start from.", DefaultValueFactory = _ => _encoderDefaults.EncodingSize };
        public static readonly Option<SequenceEncodingReadout> Readout = new Option<SequenceEncodingReadout>("--readout") { Description = "Encoders: what 'seqae encode' writes: SegmentMeans (the encoder's states averaged over --readout-segments segments of each row) or Code.", DefaultValueFactory = _ => _encoderDefaults.Readout };
        public static readonly Option<int> ReadoutSegments = new Option<int>("--readout-segments") { Description = "Encoders, SegmentMeans readout: number of equal segments of each row.", DefaultValueFactory = _ => _encoderDefaults.ReadoutSegments };
        public static readonly Option<string> HiddenSizes = new Option<string>("--hidden-sizes") { Description = "Stacked LSTM layer sizes, comma-separated.", DefaultValueFactory = _ => string.Join(",", _encoderDefaults.HiddenSizes) };
        public static readonly Option<SequenceAutoencoderMode> Mode = new Option<SequenceAutoencoderMode>("--mode") { Description = "Reconstruction, Prediction (forecast the last --prediction-length steps of each row) or Composite.", DefaultValueFactory = _ => _encoderDefaults.Mode };
        public static readonly Option<int> PredictionLength = new Option<int>("--prediction-length") { Description = "Steps forecast in Prediction/Composite mode.", DefaultValueFactory = _ => _encoderDefaults.PredictionLength };
        public static readonly Option<bool> NoReverse = new Option<bool>("--no-reverse") { Description = "Rebuild the input in input order (default: last step first)." };
        public static readonly Option<bool> ConditionalDecoder = new Option<bool>("--conditional-decoder") { Description = "The decoder also sees its previous output step." };
        public static readonly Option<double> TeacherStepDropout = new Option<double>("--teacher-step-dropout") { Description = "Conditional decoder: share of teacher steps zeroed in training.", DefaultValueFactory = _ => _encoderDefaults.TeacherStepDropout };
        public static readonly Option<int> Epochs = new Option<int>("--epochs", "-e") { Description = "Training epochs.", DefaultValueFactory = _ => _encoderDefaults.Epochs };
        public static readonly Option<int> BatchSize = new Option<int>("--batch-size") { Description = "Sequences per training batch.", DefaultValueFactory = _ => _encoderDefaults.BatchSize };
        public static readonly Option<double> LearningRate = new Option<double>("--learning-rate") { Description = "Adam learning rate.", DefaultValueFactory = _ => _encoderDefaults.LearningRate };
        public static readonly Option<double> GradientClipNorm = new Option<double>("--gradient-clip-norm") { Description = "Global gradient norm clip; 0 = off.", DefaultValueFactory = _ => _encoderDefaults.GradientClipNorm };
        public static readonly Option<double> ValidationFraction = new Option<double>("--validation-fraction") { Description = "Share of training rows held out for the validation loss.", DefaultValueFactory = _ => _encoderDefaults.ValidationFraction };
        public static readonly Option<int> EarlyStoppingPatience = new Option<int>("--early-stopping-patience") { Description = "Stop after this many epochs without improvement; 0 = run all epochs.", DefaultValueFactory = _ => _encoderDefaults.EarlyStoppingPatience };
        public static readonly Option<float> Dropout = new Option<float>("--dropout") { Description = "Dropout between stacked LSTM layers.", DefaultValueFactory = _ => _encoderDefaults.Dropout };
        public static readonly Option<int> Seed = new Option<int>("--seed") { Description = "Random seed: two runs with one seed train identical models.", DefaultValueFactory = _ => 1 };

        // Per-sequence anomaly detection (SequenceAnomalyOptions).
        public static readonly Option<SequenceAnomalyScoringMethod> Scoring = new Option<SequenceAnomalyScoringMethod>("--scoring") { Description = "Per-sequence detection: ReconstructionError or Mahalanobis (EncDec-AD).", DefaultValueFactory = _ => _anomalyDefaults.ScoringMethod };
        public static readonly Option<SequenceAnomalyThresholdMethod> ThresholdMethod = new Option<SequenceAnomalyThresholdMethod>("--threshold-method") { Description = "Per-sequence detection: Quantile or MeanPlusKStd of held-out normal scores.", DefaultValueFactory = _ => _anomalyDefaults.ThresholdMethod };
        public static readonly Option<double> ThresholdQuantile = new Option<double>("--threshold-quantile") { Description = "Quantile of held-out scores used as the threshold.", DefaultValueFactory = _ => _anomalyDefaults.ThresholdQuantile };
        public static readonly Option<double> ThresholdK = new Option<double>("--threshold-k") { Description = "k in mean + k·std.", DefaultValueFactory = _ => _anomalyDefaults.ThresholdK };
        public static readonly Option<double> ScoreHoldOutFraction = new Option<double>("--score-hold-out-fraction") { Description = "Per-sequence detection: share of rows held out to fit the error distribution and threshold.", DefaultValueFactory = _ => _anomalyDefaults.ScoreHoldOutFraction };

        // Time series (TimeSeriesAnomalyOptions).
        public static readonly Option<int> Stride = new Option<int>("--stride") { Description = "Time series: steps between training windows.", DefaultValueFactory = _ => _seriesDefaults.Stride };
        public static readonly Option<double> Confidence = new Option<double>("--confidence") { Description = "Time series: alert when the p-value is below 1 - confidence/100.", DefaultValueFactory = _ => _seriesDefaults.Confidence };
        public static readonly Option<double> HoldOutFraction = new Option<double>("--hold-out-fraction") { Description = "Time series: share of the last training windows held out as the null distribution.", DefaultValueFactory = _ => _seriesDefaults.HoldOutFraction };

        public static void ApplyTraining(SequenceAutoencoderOptions options, ParseResult result)
        {
            options.FeaturesPerStep = result.GetValue(FeaturesPerStep);
            options.EncodingSize = result.GetValue(EncodingSize);
            options.HiddenSizes = ParseSizes(result.GetValue(HiddenSizes));
            options.Mode = result.GetValue(Mode);
            options.PredictionLength = result.GetValue(PredictionLength);
            options.ReverseReconstruction = !result.GetValue(NoReverse);
            options.ConditionalDecoder = result.GetValue(ConditionalDecoder);
            options.TeacherStepDropout = result.GetValue(TeacherStepDropout);
            options.Epochs = result.GetValue(Epochs);
            options.BatchSize = result.GetValue(BatchSize);
            options.LearningRate = result.GetValue(LearningRate);
            options.GradientClipNorm = result.GetValue(GradientClipNorm);
            options.ValidationFraction = result.GetValue(ValidationFraction);
            options.EarlyStoppingPatience = result.GetValue(EarlyStoppingPatience);
            options.Dropout = result.GetValue(Dropout);
            options.Seed = result.GetValue(Seed);
        }

        private static int[] ParseSizes(string text)
        {
            var parts = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var sizes = new int[parts.Length];
            for (int i = 0; i < parts.Length; i++)
            {
                if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
                    throw new CliException($"--hidden-sizes: '{parts[i]}' is not a positive whole number.");
            }
            return sizes.Length > 0 ? sizes : throw new CliException("--hidden-sizes: at least one layer size is needed.");
        }

        public static Option[] TrainingOptions => new Option[]
        {
            EncodingSize, Readout, ReadoutSegments, HiddenSizes, Mode, PredictionLength, NoReverse, ConditionalDecoder, TeacherStepDropout, Epochs, BatchSize,
            LearningRate, GradientClipNorm, ValidationFraction, EarlyStoppingPatience, Dropout, Seed,
            Scoring, ThresholdMethod, ThresholdQuantile, ThresholdK, ScoreHoldOutFraction, Stride, Confidence, HoldOutFraction,
        };

        public static string[] Exclude(params string[] names) => names.Where(n => !string.IsNullOrEmpty(n)).ToArray();
    }

    /// <summary>Values of <c>--task</c>.</summary>
    internal enum TrainTask
    {
        /// <summary>An encoder.</summary>
        Encode,

        /// <summary>A per-sequence anomaly detector.</summary>
        Detect,
    }
}
