namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>How <see cref="SequenceAnomalyTrainer"/> picks the raw score above which a sequence is an anomaly.</summary>
    public enum SequenceAnomalyThresholdMethod
    {
        /// <summary>A quantile of the held-out normal rows' scores (<see cref="SequenceAnomalyOptions.ThresholdQuantile"/>); needs no labels.</summary>
        Quantile = 0,

        /// <summary>Mean plus k standard deviations of the held-out normal rows' scores (<see cref="SequenceAnomalyOptions.ThresholdK"/>); needs no labels.</summary>
        MeanPlusKStd = 1,

        /// <summary>
        /// The score that maximizes Fβ (<see cref="SequenceAnomalyOptions.Beta"/>) on labeled
        /// <see cref="SequenceAnomalyOptions.ValidationData"/>, as in EncDec-AD.
        /// </summary>
        FBetaOptimal = 2,
    }
}
