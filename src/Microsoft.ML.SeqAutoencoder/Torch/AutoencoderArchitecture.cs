using System.Linq;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// Everything needed to rebuild an autoencoder before its weights are loaded: the encoder's shape and what the
    /// decoders are trained to produce. Immutable. Built from validated options or a checked model file, so it only
    /// asserts its invariants.
    /// </summary>
    internal sealed class AutoencoderArchitecture
    {
        public AutoencoderArchitecture(EncoderShape encoder, SequenceAutoencoderMode mode, int predictionLength,
            bool reverseReconstruction, bool conditionalDecoder)
        {
            Contracts.AssertValue(encoder);
            Contracts.Assert((mode == SequenceAutoencoderMode.Reconstruction) == (predictionLength == 0) && predictionLength >= 0);
            Encoder = encoder;
            Mode = mode;
            PredictionLength = predictionLength;
            ReverseReconstruction = reverseReconstruction;
            ConditionalDecoder = conditionalDecoder;
        }

        /// <summary>The encoder's shape.</summary>
        public EncoderShape Encoder { get; }

        /// <summary>Number of features in each time step (F).</summary>
        public int FeaturesPerStep => Encoder.FeaturesPerStep;

        /// <summary>Sizes of the stacked encoder LSTM layers, input side first. The decoders mirror them.</summary>
        public int[] HiddenSizes => Encoder.HiddenSizes;

        /// <summary>Length of the code. Equal to the last hidden size means no projection layer.</summary>
        public int EncodingSize => Encoder.EncodingSize;

        /// <summary>Dropout probability between stacked LSTM layers (training only).</summary>
        public float Dropout => Encoder.Dropout;

        /// <summary>Which decoders exist.</summary>
        public SequenceAutoencoderMode Mode { get; }

        /// <summary>Number of steps the prediction decoder forecasts (0 without a prediction decoder).</summary>
        public int PredictionLength { get; }

        /// <summary>Whether the reconstruction decoder rebuilds the input last step first.</summary>
        public bool ReverseReconstruction { get; }

        /// <summary>Whether decoders see their previous output step (teacher-forced while training).</summary>
        public bool ConditionalDecoder { get; }

        /// <summary>True when a reconstruction decoder exists (Reconstruction and Composite modes).</summary>
        public bool HasReconstructionDecoder => Mode != SequenceAutoencoderMode.Prediction;

        /// <summary>True when a prediction decoder exists (Prediction and Composite modes).</summary>
        public bool HasPredictionDecoder => Mode != SequenceAutoencoderMode.Reconstruction;

        /// <summary>Decoder layer sizes: the encoder's, mirrored.</summary>
        public int[] DecoderHiddenSizes => HiddenSizes.Reverse().ToArray();

        /// <summary>The architecture, for log lines.</summary>
        public override string ToString() => $"{Mode} LSTM autoencoder ({Encoder})";
    }
}
