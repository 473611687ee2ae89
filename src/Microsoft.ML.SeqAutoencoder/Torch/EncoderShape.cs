using System;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>The checks every architecture with a sequence encoder shares (autoencoder and classifier).</summary>
    internal static class EncoderShape
    {
        /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first invalid value.</summary>
        public static void Check(int featuresPerStep, int[] hiddenSizes, int encodingSize, float dropout)
        {
            if (featuresPerStep <= 0)
                throw new ArgumentOutOfRangeException(nameof(featuresPerStep), featuresPerStep, "Features per step must be positive.");
            if (hiddenSizes == null || hiddenSizes.Length == 0)
                throw new ArgumentOutOfRangeException(nameof(hiddenSizes), "At least one hidden LSTM layer size is required.");
            for (int i = 0; i < hiddenSizes.Length; i++)
            {
                if (hiddenSizes[i] <= 0)
                    throw new ArgumentOutOfRangeException(nameof(hiddenSizes), hiddenSizes[i], $"Hidden size at index {i} must be positive.");
            }
            if (encodingSize <= 0)
                throw new ArgumentOutOfRangeException(nameof(encodingSize), encodingSize, "Encoding size must be positive.");
            if (float.IsNaN(dropout) || dropout < 0 || dropout >= 1)
                throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Dropout must be in [0, 1).");
        }
    }
}
