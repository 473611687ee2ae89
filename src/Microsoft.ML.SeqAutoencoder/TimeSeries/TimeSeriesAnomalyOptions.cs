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
        /// <summary>
        /// Name of the input column, one row per time step: <see cref="System.Single"/> when
        /// <see cref="SequenceNetworkOptions.FeaturesPerStep"/> is 1, otherwise a known-sized vector of
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

        internal static new class Defaults
        {
            public const int WindowSize = 32;
            public const int Stride = 1;
            public const double Confidence = 99;
            public const double HoldOutFraction = 0.2;
        }

        internal override void Check(IExceptionContext ectx)
        {
            base.Check(ectx);
            ectx.CheckUserArg(!string.IsNullOrWhiteSpace(InputColumnName), nameof(InputColumnName), "An input column is required.");
            ectx.CheckUserArg(!string.IsNullOrWhiteSpace(OutputColumnName), nameof(OutputColumnName), "An output column name is required.");
            ectx.CheckUserArg(WindowSize >= 2, nameof(WindowSize), "Must be at least 2.");
            ectx.CheckUserArg(Stride > 0, nameof(Stride), "Must be positive.");
            ectx.CheckUserArg(Confidence > 0 && Confidence < 100, nameof(Confidence), "Must be in (0, 100).");
            ectx.CheckUserArg(HoldOutFraction > 0 && HoldOutFraction < 1, nameof(HoldOutFraction), "Must be in (0, 1).");
            ectx.CheckUserArg(Mode == SequenceAutoencoderMode.Reconstruction, nameof(Mode),
                "The detector scores reconstruction errors: only Reconstruction mode is supported.");
        }
    }
}
