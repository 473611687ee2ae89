using System;
using System.Linq;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// Everything needed to rebuild the network before its weights are loaded: the shape of the
    /// encoder and decoders and what they are trained to produce. Immutable; validated on construction.
    /// </summary>
    internal sealed class AutoencoderArchitecture
    {
        /// <summary>Number of features in each time step (F).</summary>
        public int FeaturesPerStep { get; }

        /// <summary>Sizes of the stacked encoder LSTM layers, input side first. The decoders mirror them.</summary>
        public int[] HiddenSizes { get; }

        /// <summary>Length of the code. Equal to the last hidden size means no projection layer.</summary>
        public int EncodingSize { get; }

        /// <summary>Which decoders exist.</summary>
        public SequenceAutoencoderMode Mode { get; }

        /// <summary>Number of steps the prediction decoder forecasts (0 without a prediction decoder).</summary>
        public int PredictionLength { get; }

        /// <summary>Whether the reconstruction decoder rebuilds the input last step first.</summary>
        public bool ReverseReconstruction { get; }

        /// <summary>Whether decoders see their previous output step (teacher-forced while training).</summary>
        public bool ConditionalDecoder { get; }

        /// <summary>Dropout probability between stacked LSTM layers (training only).</summary>
        public float Dropout { get; }

        public AutoencoderArchitecture(int featuresPerStep, int[] hiddenSizes, int encodingSize,
            SequenceAutoencoderMode mode, int predictionLength, bool reverseReconstruction,
            bool conditionalDecoder, float dropout)
        {
            EncoderShape.Check(featuresPerStep, hiddenSizes, encodingSize, dropout);
            if (!Enum.IsDefined(typeof(SequenceAutoencoderMode), mode))
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown autoencoder mode.");
            bool predicts = mode != SequenceAutoencoderMode.Reconstruction;
            if (predicts && predictionLength <= 0)
                throw new ArgumentOutOfRangeException(nameof(predictionLength), predictionLength, $"Prediction length must be positive in {mode} mode.");
            if (predictionLength < 0)
                throw new ArgumentOutOfRangeException(nameof(predictionLength), predictionLength, "Prediction length must not be negative.");

            FeaturesPerStep = featuresPerStep;
            HiddenSizes = hiddenSizes.ToArray();
            EncodingSize = encodingSize;
            Mode = mode;
            PredictionLength = predicts ? predictionLength : 0;
            ReverseReconstruction = reverseReconstruction;
            ConditionalDecoder = conditionalDecoder;
            Dropout = dropout;
        }

        /// <summary>True when a reconstruction decoder exists (Reconstruction and Composite modes).</summary>
        public bool HasReconstructionDecoder => Mode != SequenceAutoencoderMode.Prediction;

        /// <summary>True when a prediction decoder exists (Prediction and Composite modes).</summary>
        public bool HasPredictionDecoder => Mode != SequenceAutoencoderMode.Reconstruction;

        /// <summary>Size of the last encoder layer, i.e. the raw code before any projection.</summary>
        public int LastHiddenSize => HiddenSizes[HiddenSizes.Length - 1];

        /// <summary>Decoder layer sizes: the encoder's, mirrored.</summary>
        public int[] DecoderHiddenSizes => HiddenSizes.Reverse().ToArray();
    }
}
