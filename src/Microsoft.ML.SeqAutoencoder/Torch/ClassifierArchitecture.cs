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
            EncoderShape.Check(featuresPerStep, hiddenSizes, encodingSize, dropout);
            if (classCount < 2)
                throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "A classifier needs at least two classes.");

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
