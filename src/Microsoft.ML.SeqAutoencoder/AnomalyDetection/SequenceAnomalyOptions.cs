using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Options for <see cref="SequenceAnomalyTrainer"/>, as used in
    /// <see cref="SequenceAnomalyCatalog.LstmAutoencoder(AnomalyDetectionCatalog.AnomalyDetectionTrainers, SequenceAnomalyOptions)"/>:
    /// the network and its training (inherited), how rows are scored and how the threshold is chosen.
    /// </summary>
    public sealed class SequenceAnomalyOptions : SequenceAutoencoderOptions
    {
        /// <summary>
        /// Name of the feature column: a known- or variable-sized vector of <see cref="float"/> holding T·F values
        /// per row, step-major.
        /// </summary>
        public string FeatureColumnName = DefaultColumnNames.Features;

        /// <summary>How a row's errors become its raw score.</summary>
        public SequenceAnomalyScoringMethod ScoringMethod = Defaults.ScoringMethod;

        /// <summary>How the raw score threshold is chosen.</summary>
        public SequenceAnomalyThresholdMethod ThresholdMethod = Defaults.ThresholdMethod;

        /// <summary><see cref="SequenceAnomalyThresholdMethod.Quantile"/>: the quantile of held-out scores used as threshold, in (0, 1].</summary>
        public double ThresholdQuantile = Defaults.ThresholdQuantile;

        /// <summary><see cref="SequenceAnomalyThresholdMethod.MeanPlusKStd"/>: number of standard deviations above the mean of held-out scores.</summary>
        public double ThresholdK = Defaults.ThresholdK;

        /// <summary><see cref="SequenceAnomalyThresholdMethod.FBetaOptimal"/>: β of Fβ; β &lt; 1 weighs precision more than recall (EncDec-AD).</summary>
        public double Beta = Defaults.Beta;

        /// <summary>
        /// <see cref="SequenceAnomalyThresholdMethod.FBetaOptimal"/> (required there, ignored otherwise): labeled rows with the
        /// feature column and a Boolean or Single 0/1 <see cref="LabelColumnName"/> column (true or 1 = anomaly).
        /// </summary>
        public IDataView ValidationData;

        /// <summary>Name of the label column of <see cref="ValidationData"/>.</summary>
        public string LabelColumnName = DefaultColumnNames.Label;

        /// <summary>
        /// Share of the (normal) training rows held out to fit the error distribution and the threshold; these rows
        /// are not used to train the network. In (0, 1).
        /// </summary>
        public double ScoreHoldOutFraction = Defaults.ScoreHoldOutFraction;

        /// <summary>
        /// <see cref="SequenceAnomalyScoringMethod.Mahalanobis"/>: λ added to the diagonal of the error covariance, so that
        /// features whose error never varies do not make it singular. Positive.
        /// </summary>
        public double CovarianceRegularization = Defaults.CovarianceRegularization;

        internal static new class Defaults
        {
            public const SequenceAnomalyScoringMethod ScoringMethod = SequenceAnomalyScoringMethod.ReconstructionError;
            public const SequenceAnomalyThresholdMethod ThresholdMethod = SequenceAnomalyThresholdMethod.Quantile;
            public const double ThresholdQuantile = 0.99;
            public const double ThresholdK = 3;
            public const double Beta = 0.5;
            public const double ScoreHoldOutFraction = 0.2;
            public const double CovarianceRegularization = 1e-3;
        }

        /// <summary>Checks every option once, naming the offending one.</summary>
        internal override void Check(IExceptionContext ectx)
        {
            base.Check(ectx);
            ectx.CheckUserArg(!string.IsNullOrEmpty(FeatureColumnName), nameof(FeatureColumnName), "Must not be empty.");
            ectx.CheckUserArg(System.Enum.IsDefined(ScoringMethod), nameof(ScoringMethod), "Unknown scoring method.");
            ectx.CheckUserArg(System.Enum.IsDefined(ThresholdMethod), nameof(ThresholdMethod), "Unknown threshold method.");
            ectx.CheckUserArg(ThresholdQuantile > 0 && ThresholdQuantile <= 1, nameof(ThresholdQuantile), "Must be in (0, 1].");
            ectx.CheckUserArg(double.IsFinite(ThresholdK), nameof(ThresholdK), "Must be finite.");
            ectx.CheckUserArg(double.IsFinite(Beta) && Beta > 0, nameof(Beta), "Must be a positive finite number.");
            ectx.CheckUserArg(ThresholdMethod != SequenceAnomalyThresholdMethod.FBetaOptimal || ValidationData != null, nameof(ValidationData),
                $"Labeled validation data is required when {nameof(ThresholdMethod)} is {nameof(SequenceAnomalyThresholdMethod.FBetaOptimal)}.");
            ectx.CheckUserArg(ThresholdMethod != SequenceAnomalyThresholdMethod.FBetaOptimal || !string.IsNullOrEmpty(LabelColumnName), nameof(LabelColumnName), "Must not be empty.");
            ectx.CheckUserArg(ScoreHoldOutFraction > 0 && ScoreHoldOutFraction < 1, nameof(ScoreHoldOutFraction), "Must be in (0, 1).");
            ectx.CheckUserArg(double.IsFinite(CovarianceRegularization) && CovarianceRegularization > 0, nameof(CovarianceRegularization), "Must be a positive finite number.");
        }
    }
}
