using System;

namespace Microsoft.ML.SeqAutoencoder.TimeSeries
{
    /// <summary>
    /// How a streaming detector's training rows split into windows: all windows of W rows, S apart; the last
    /// ones held out for the null distribution; and the training windows, which end before the first
    /// held-out window starts so that no row is both trained on and held out.
    /// </summary>
    /// <param name="Windows">Number of windows in the training rows.</param>
    /// <param name="HeldOutWindows">Windows held out (the last ones).</param>
    /// <param name="TrainingWindows">Windows that train the network (the first ones).</param>
    internal readonly record struct WindowPlan(int Windows, int HeldOutWindows, int TrainingWindows)
    {
        public static WindowPlan For(long rows, int windowSize, int stride, double holdOutFraction)
        {
            if (rows < windowSize)
                return new WindowPlan(0, 0, 0);
            long windows = (rows - windowSize) / stride + 1;
            if (windows > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(rows), rows, "Too many training windows.");
            int n = (int)windows;
            int heldOut = Math.Clamp((int)Math.Round(holdOutFraction * n), 1, n);
            long firstHeldOutRow = (long)(n - heldOut) * stride;
            int training = firstHeldOutRow >= windowSize ? (int)((firstHeldOutRow - windowSize) / stride + 1) : 0;
            return new WindowPlan(n, heldOut, training);
        }

        /// <summary>The fewest rows that leave at least one training window.</summary>
        public static long MinimumRows(int windowSize, int stride, double holdOutFraction)
        {
            long rows = windowSize;
            while (For(rows, windowSize, stride, holdOutFraction).TrainingWindows < 1)
                rows++;
            return rows;
        }
    }
}
