using System;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// The shape of a sequence encoder, shared by the autoencoder and the classifier: F features per step, the
    /// stacked LSTM layer sizes, the encoding size and the dropout between layers. Built from validated options or
    /// from a checked model file; not validated again here.
    /// </summary>
    internal sealed record EncoderShape(int FeaturesPerStep, int[] HiddenSizes, int EncodingSize, float Dropout)
    {
        /// <summary>Size of the last encoder layer, i.e. the raw code before any projection.</summary>
        public int LastHiddenSize => HiddenSizes[^1];

        /// <summary>
        /// The encoder's trainable parameters: each LSTM layer's input and recurrent weights and two biases
        /// (4h·(in + h) + 8h, PyTorch's layout), and the projection when the encoding size differs from the last layer's.
        /// </summary>
        public long ParameterCount
        {
            get
            {
                long count = 0, input = FeaturesPerStep;
                foreach (long h in HiddenSizes)
                {
                    count += checked(4 * h * (input + h) + 8 * h);
                    input = h;
                }
                return EncodingSize == LastHiddenSize ? count : checked(count + input * EncodingSize + EncodingSize);
            }
        }

        /// <summary>Whether an encoder of <paramref name="other"/>'s shape has the same weights' shapes (dropout aside).</summary>
        public bool SameWeightsAs(EncoderShape other)
            => FeaturesPerStep == other.FeaturesPerStep && EncodingSize == other.EncodingSize
                && HiddenSizes.AsSpan().SequenceEqual(other.HiddenSizes);

        /// <summary>"F=…, hidden […], encoding …", for log lines.</summary>
        public override string ToString() => $"F={FeaturesPerStep}, hidden [{string.Join(", ", HiddenSizes)}], encoding {EncodingSize}";
    }
}
