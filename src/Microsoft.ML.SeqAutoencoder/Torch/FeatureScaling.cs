namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>How an autoencoder scales each input feature before the network sees it (fitted on the training rows).</summary>
    public enum FeatureScaling
    {
        /// <summary>(x − mean) / standard deviation.</summary>
        Standard = 0,

        /// <summary>
        /// (x − median) / (interquartile range / 1.349), the range of the values when the interquartile range is 0, 1
        /// when that is 0 too. A rarely switching 0/1 feature (a command flag, an event marker) keeps its 0/1 scale instead
        /// of becoming a huge standardized value that dominates every error; heavy tails do not shrink the other values.
        /// </summary>
        Robust = 1,
    }
}
