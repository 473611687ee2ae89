namespace Microsoft.ML.SeqAutoencoder.TimeSeries
{
    /// <summary>Which reconstruction error of a window is its raw score (standardized units).</summary>
    internal enum WindowScoreKind
    {
        /// <summary>Mean squared error over every step and feature of the window.</summary>
        WindowMean = 0,

        /// <summary>Mean squared error over the features of the window's last step only.</summary>
        LastStep = 1,
    }
}
