namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>How <see cref="LstmAutoencoderAnomalyTrainer"/> picks the raw score above which a sequence is an anomaly.</summary>
    public enum AnomalyThresholdMethod
    {
        /// <summary>A quantile of the held-out normal rows' scores (<see cref="LstmAutoencoderAnomalyOptions.ThresholdQuantile"/>); needs no labels.</summary>
        Quantile = 0,

        /// <summary>Mean plus k standard deviations of the held-out normal rows' scores (<see cref="LstmAutoencoderAnomalyOptions.ThresholdK"/>); needs no labels.</summary>
        MeanPlusKStd = 1,

        /// <summary>
        /// The score that maximizes Fβ (<see cref="LstmAutoencoderAnomalyOptions.Beta"/>) on labeled
        /// <see cref="LstmAutoencoderAnomalyOptions.ValidationData"/>, as in EncDec-AD.
        /// </summary>
        FBetaOptimal = 2,
    }
}
