using System;

namespace Microsoft.ML.SeqAutoencoder.TimeSeries
{
    /// <summary>
    /// How a streaming detector's training rows split into windows. The windows of W rows, S apart, decide the split: the
    /// last HoldOutFraction of them make the held-out rows, and the training windows (S apart) end before the first held-out
    /// row, so that no row is both trained on and held out. Every window of the held-out rows (1 apart) is scored for the
    /// null distribution: scoring is cheap, and a larger stride must not leave too few held-out scores for any alert.
    /// </summary>
    /// <param name="Windows">Number of windows, S apart, in the training rows.</param>
    /// <param name="HeldOutWindows">Windows, 1 apart, in the held-out rows (from <paramref name="FirstHeldOutRow"/> on).</param>
    /// <param name="TrainingWindows">Windows, S apart from row 0, that train the network.</param>
    /// <param name="FirstHeldOutRow">The first held-out row.</param>
    internal readonly record struct WindowPlan(int Windows, int HeldOutWindows, int TrainingWindows, long FirstHeldOutRow)
    {
        public static WindowPlan For(long rows, int windowSize, int stride, double holdOutFraction)
        {
            if (rows < windowSize)
                return new WindowPlan(0, 0, 0, 0);
            long windows = (rows - windowSize) / stride + 1;
            if (windows > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(rows), rows, "Too many training windows.");
            int n = (int)windows;
            int heldOut = Math.Clamp((int)Math.Round(holdOutFraction * n), 1, n);
            long firstHeldOutRow = (long)(n - heldOut) * stride;
            int training = firstHeldOutRow >= windowSize ? (int)((firstHeldOutRow - windowSize) / stride + 1) : 0;
            long heldOutWindows = rows - firstHeldOutRow - windowSize + 1;
            if (heldOutWindows > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(rows), rows, "Too many held-out windows.");
            return new WindowPlan(n, (int)heldOutWindows, training, firstHeldOutRow);
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
