using System;

namespace Microsoft.ML.SeqAutoencoder.TimeSeries
{
    /// <summary>The three output values of one row.</summary>
    /// <param name="Alert">Whether the p-value is below 1 − confidence/100.</param>
    /// <param name="RawScore">The reconstruction error of the window ending at the row.</param>
    /// <param name="PValue">Its empirical tail probability among held-out training windows.</param>
    internal readonly record struct DetectorOutput(bool Alert, double RawScore, double PValue)
    {
        /// <summary>Writes Alert (1 or 0), Raw Score, P-Value into <paramref name="values"/>.</summary>
        public void CopyTo(Span<double> values)
        {
            values[0] = Alert ? 1 : 0;
            values[1] = RawScore;
            values[2] = PValue;
        }
    }
}
