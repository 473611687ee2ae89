using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// The encoder the autoencoder and the classifier share: per-feature standardization, a stacked LSTM, the last
    /// layer's output at each sequence's last real step, and a linear projection to the encoding size when that
    /// differs from the last layer's size. It is not a module of its own: <see cref="RegisterIn"/> registers its
    /// modules in the owning network as <c>standardizer</c>, <c>encoder</c> and <c>projection</c>, the state-dict keys
    /// of every saved model, so a classifier can copy a fitted autoencoder's encoder key by key.
    /// </summary>
    internal sealed class SequenceEncoder : IDisposable
    {
        private readonly StackedLstm _lstm;
        private readonly Linear _projection;

        public SequenceEncoder(EncoderShape shape)
        {
            Shape = shape;
            Standardizer = new FeatureStandardizer(shape.FeaturesPerStep);
            _lstm = new StackedLstm("encoder", shape.FeaturesPerStep, shape.HiddenSizes, shape.Dropout);
            if (shape.EncodingSize != shape.LastHiddenSize)
                _projection = nn.Linear(shape.LastHiddenSize, shape.EncodingSize);
        }

        /// <summary>The shape this encoder was built with.</summary>
        public EncoderShape Shape { get; }

        /// <summary>The input standardization (buffers, saved with the weights).</summary>
        public FeatureStandardizer Standardizer { get; }

        /// <summary>Registers the encoder's modules in <paramref name="network"/> under the names saved models use.</summary>
        public void RegisterIn(nn.Module network)
        {
            network.register_module("standardizer", Standardizer);
            network.register_module("encoder", _lstm);
            if (_projection is not null)
                network.register_module("projection", _projection);
        }

        /// <summary>The trainable parameters: LSTM layers and projection.</summary>
        public IEnumerable<Parameter> Parameters()
            => _projection is null ? _lstm.parameters() : _lstm.parameters().Concat(_projection.parameters());

        /// <summary>
        /// Codes (B, EncodingSize) of already standardized inputs <paramref name="x"/> (B, L, F). Dropout between layers
        /// (in training mode) draws its masks from <paramref name="dropout"/>.
        /// </summary>
        public Tensor Encode(Tensor x, SequenceBatch batch, Generator dropout) => Encode(x, batch, dropout, out _);

        /// <summary>
        /// Codes (B, EncodingSize) of already standardized inputs <paramref name="x"/> (B, L, F), and the last layer's
        /// output at every step, <paramref name="hidden"/> (B, L, H), from which other readouts of the sequence are made.
        /// </summary>
        public Tensor Encode(Tensor x, SequenceBatch batch, Generator dropout, out Tensor hidden)
        {
            hidden = _lstm.Forward(x, dropout);
            Tensor last = batch.LastStep(hidden).squeeze(1);
            return _projection is null ? last : _projection.call(last);
        }

        /// <summary>The encoder's weights as plain arrays, in PyTorch's layout (gates i, f, g, o), for export.</summary>
        internal EncoderWeights Weights()
        {
            var (center, scale) = Standardizer.Values();
            return new EncoderWeights(Shape.FeaturesPerStep, center, scale, _lstm.Weights(),
                _projection is null ? null : ParameterValues.Of(_projection.weight), _projection is null ? null : ParameterValues.Of(_projection.bias),
                Shape.EncodingSize);
        }

        public void Dispose()
        {
            Standardizer.Dispose();
            _lstm.Dispose();
            _projection?.Dispose();
        }
    }
}
