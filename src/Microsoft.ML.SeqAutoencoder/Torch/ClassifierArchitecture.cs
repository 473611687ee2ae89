using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// Everything needed to rebuild a sequence classifier before its weights are loaded: the encoder's shape and the
    /// number of classes. Immutable; built from validated options or a checked model file.
    /// </summary>
    internal sealed class ClassifierArchitecture
    {
        public ClassifierArchitecture(EncoderShape encoder, int classCount)
        {
            Contracts.AssertValue(encoder);
            Contracts.Assert(classCount >= 2);
            Encoder = encoder;
            ClassCount = classCount;
        }

        /// <summary>The encoder's shape.</summary>
        public EncoderShape Encoder { get; }

        /// <summary>Number of classes K: the head's outputs.</summary>
        public int ClassCount { get; }

        /// <summary>The architecture, for log lines.</summary>
        public override string ToString() => $"LSTM sequence classifier ({Encoder}, {ClassCount} classes)";
    }
}
