using System;
using System.Linq;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// Everything needed to rebuild a sequence classifier before its weights are loaded: the encoder's shape (as in
    /// <see cref="AutoencoderArchitecture"/>) and the number of classes. Immutable; validated on construction.
    /// </summary>
    internal sealed class ClassifierArchitecture
    {
        public ClassifierArchitecture(int featuresPerStep, int[] hiddenSizes, int encodingSize, int classCount, float dropout)
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
            if (classCount < 2)
                throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "A classifier needs at least two classes.");
            if (float.IsNaN(dropout) || dropout < 0 || dropout >= 1)
                throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Dropout must be in [0, 1).");

            FeaturesPerStep = featuresPerStep;
            HiddenSizes = hiddenSizes.ToArray();
            EncodingSize = encodingSize;
            ClassCount = classCount;
            Dropout = dropout;
        }

        /// <summary>Number of features in each time step (F).</summary>
        public int FeaturesPerStep { get; }

        /// <summary>Sizes of the stacked encoder LSTM layers, input side first.</summary>
        public int[] HiddenSizes { get; }

        /// <summary>Length of the encoding the head reads. Equal to the last hidden size means no projection layer.</summary>
        public int EncodingSize { get; }

        /// <summary>Number of classes K: the head's outputs.</summary>
        public int ClassCount { get; }

        /// <summary>Dropout probability between stacked LSTM layers and on the encoding before the head (training only).</summary>
        public float Dropout { get; }

        /// <summary>Size of the last encoder layer.</summary>
        public int LastHiddenSize => HiddenSizes[HiddenSizes.Length - 1];
    }
}
