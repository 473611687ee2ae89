namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>How <see cref="SequenceAnomalyTrainer"/> turns a sequence's errors into a raw anomaly score.</summary>
    public enum SequenceAnomalyScoringMethod
    {
        /// <summary>Mean squared error of the row, in standardized units.</summary>
        ReconstructionError = 0,

        /// <summary>
        /// EncDec-AD (Malhotra et al. 2016): mean over the steps of the Mahalanobis distance of each step's error
        /// vector under a normal distribution fitted to held-out normal errors.
        /// </summary>
        Mahalanobis = 1,
    }
}
