using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Options of <see cref="TimeSeriesAnomalyEstimator"/>, as used in
    /// <see cref="TimeSeriesAnomalyCatalog.DetectAnomalyBySequenceAutoencoder(TransformsCatalog, TimeSeriesAnomalyOptions)"/>:
    /// columns, window, alert confidence, held-out share, network shape and training.
    /// </summary>
    public sealed class TimeSeriesAnomalyOptions : SequenceAutoencoderOptions
    {
        /// <summary>Options with the detector's defaults, which differ from other autoencoders' where noted in <c>Defaults</c>.</summary>
        public TimeSeriesAnomalyOptions()
        {
            FeaturesPerStep = Defaults.FeaturesPerStep;
            Mode = Defaults.Mode;
            PredictionLength = Defaults.PredictionLength;
            FeatureScaling = Defaults.FeatureScaling;
            Epochs = Defaults.Epochs;
        }

        /// <summary>
        /// Name of the input column, one row per time step: <see cref="System.Single"/> when
        /// <see cref="SequenceNetworkOptions.FeaturesPerStep"/> is 1 (or 0, the default: taken from the column), otherwise a known-sized vector of
        /// <see cref="System.Single"/> of FeaturesPerStep values.
        /// </summary>
        public string InputColumnName;

        /// <summary>Name of the output column: a vector of 3 <see cref="System.Double"/> (Alert, Raw Score, P-Value).</summary>
        public string OutputColumnName;

        /// <summary>Number of consecutive rows (time steps) in each scored window.</summary>
        public int WindowSize = Defaults.WindowSize;

        /// <summary>Rows between the starts of consecutive training windows.</summary>
        public int Stride = Defaults.Stride;

        /// <summary>Confidence in percent, in (0, 100): a row alerts when its p-value is below 1 − Confidence/100.</summary>
        public double Confidence = Defaults.Confidence;

        /// <summary>
        /// Share, in (0, 1), of the training windows, taken last in time order, that does not train the network;
        /// their scores form the null distribution that turns raw scores into p-values.
        /// </summary>
        public double HoldOutFraction = Defaults.HoldOutFraction;

        /// <summary>
        /// What scoring does with a row whose step holds NaN or ∞. False (the default): the cursor throws, naming the column and
        /// the row. True: the row alerts with Raw Score +∞ and the smallest p-value, and the stream goes on (the step's place in
        /// later windows is taken by the step before it). Training data must be finite either way.
        /// </summary>
        public bool NonFiniteStepsAreAnomalies = Defaults.NonFiniteStepsAreAnomalies;

        internal static new class Defaults
        {
            // 0: the input column's size (1 for a Single, n for a known-size vector of n).
            public const int FeaturesPerStep = 0;
            public const int WindowSize = 32;
            // Measured on SMAP (docs/benchmarks.md): training windows 4 rows apart detect as well as 1 apart, in a third of the time.
            public const int Stride = 4;
            public const double Confidence = 99;
            public const double HoldOutFraction = 0.2;
            public const SequenceAutoencoderMode Mode = SequenceAutoencoderMode.Reconstruction;
            public const int PredictionLength = 4;
            // Telemetry mixes scales and carries rarely switching 0/1 features; z-scoring blows those up (docs/benchmarks.md, smap).
            public const FeatureScaling FeatureScaling = SeqAutoencoder.FeatureScaling.Robust;
            public const int Epochs = 40;
            public const bool NonFiniteStepsAreAnomalies = false;
        }

        private protected override bool InfersFeaturesPerStep => true;

        internal override void Check(IExceptionContext ectx)
        {
            base.Check(ectx);
            ectx.CheckUserArg(!string.IsNullOrWhiteSpace(InputColumnName), nameof(InputColumnName), "An input column is required.");
            ectx.CheckUserArg(!string.IsNullOrWhiteSpace(OutputColumnName), nameof(OutputColumnName), "An output column name is required.");
            ectx.CheckUserArg(WindowSize >= 2, nameof(WindowSize), "Must be at least 2.");
            ectx.CheckUserArg(Stride > 0, nameof(Stride), "Must be positive.");
            ectx.CheckUserArg(Confidence > 0 && Confidence < 100, nameof(Confidence), "Must be in (0, 100).");
            ectx.CheckUserArg(HoldOutFraction > 0 && HoldOutFraction < 1, nameof(HoldOutFraction), "Must be in (0, 1).");
        }
    }
}
