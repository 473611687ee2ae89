using System.Collections.Generic;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// A fitted encoder's weights as plain arrays, for writers outside libtorch (ONNX export): per-feature center and scale,
    /// each LSTM layer in PyTorch's layout, and the optional projection to the code.
    /// </summary>
    /// <param name="FeaturesPerStep">F.</param>
    /// <param name="Center">F centers: x → (x − center) / scale.</param>
    /// <param name="Scale">F scales.</param>
    /// <param name="Layers">The LSTM layers, first to last.</param>
    /// <param name="ProjectionWeight">EncodingSize × last hidden size, row-major; null when the code is the last hidden state.</param>
    /// <param name="ProjectionBias">EncodingSize values; null without a projection.</param>
    /// <param name="EncodingSize">Length of the code.</param>
    internal sealed record EncoderWeights(int FeaturesPerStep, float[] Center, float[] Scale, IReadOnlyList<LstmLayerWeights> Layers,
        float[] ProjectionWeight, float[] ProjectionBias, int EncodingSize);

    /// <summary>One LSTM layer in PyTorch's layout: four gate blocks i, f, g, o of <paramref name="HiddenSize"/> rows each.</summary>
    /// <param name="InputSize">Inputs per step.</param>
    /// <param name="HiddenSize">H.</param>
    /// <param name="WeightIh">4H × InputSize, row-major.</param>
    /// <param name="WeightHh">4H × H, row-major.</param>
    /// <param name="BiasIh">4H.</param>
    /// <param name="BiasHh">4H.</param>
    internal sealed record LstmLayerWeights(int InputSize, int HiddenSize, float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh);
}
