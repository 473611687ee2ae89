using System;
using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// An LSTM sequence classifier: the autoencoder's <see cref="SequenceEncoder"/> followed by dropout on the
    /// encoding and a linear head to one logit per class. The encoder's state-dict keys are the autoencoder's, so a
    /// fitted autoencoder's encoder and standardization can be copied in (<see cref="CopyEncoderFrom"/>).
    /// </summary>
    internal sealed class SequenceClassifierNetwork : nn.Module
    {
        /// <summary>State-dict key prefix of the head's parameters; every other key belongs to the encoder.</summary>
        private const string HeadPrefix = "head.";

        private readonly SequenceEncoder _encoder;
#pragma warning disable IDE1006 // Field names are the state-dict keys: renaming one breaks saved models.
        private readonly Linear head;
#pragma warning restore IDE1006

        /// <param name="architecture">The shape of the network.</param>
        /// <param name="seed">Seed of the weight initialization.</param>
        public SequenceClassifierNetwork(ClassifierArchitecture architecture, long seed)
            : base(nameof(SequenceClassifierNetwork))
        {
            Architecture = architecture;
            _encoder = new SequenceEncoder(architecture.Encoder);
            _encoder.RegisterIn(this);
            head = nn.Linear(architecture.Encoder.EncodingSize, architecture.ClassCount);
            RegisterComponents();

            using var generator = new Generator((ulong)seed, CPU);
            TorchInit.UniformLikePyTorch(this, generator);
        }

        /// <summary>The shape this network was built with.</summary>
        public ClassifierArchitecture Architecture { get; }

        /// <summary>The encoder, whose standardization is fitted (or copied) before training.</summary>
        public SequenceEncoder Encoder => _encoder;

        /// <summary>The head's weight (K × EncodingSize, row-major) and bias (K), for export.</summary>
        internal (float[] Weight, float[] Bias) HeadWeights()
            => (ParameterValues.Of(head.weight), ParameterValues.Of(head.bias));

        /// <summary>The head's parameters.</summary>
        public IEnumerable<Parameter> HeadParameters() => head.parameters();

        /// <summary>Logits (B, K) of a batch; dropout (training only) draws its masks from <paramref name="dropout"/>.</summary>
        public Tensor Logits(SequenceBatch batch, Generator dropout)
        {
            Tensor code = _encoder.Encode(_encoder.Standardizer.Normalize(batch.Inputs), batch, dropout);
            code = TorchInit.Dropout(code, Architecture.Encoder.Dropout, training, dropout);
            return head.call(code);
        }

        /// <summary>
        /// Copies the standardization, encoder and projection of <paramref name="source"/> into this network; the head
        /// keeps its initialization and <paramref name="source"/> is only read. The encoder shapes must match (checked
        /// with the options, naming both values).
        /// </summary>
        public void CopyEncoderFrom(SequenceAutoencoderNetwork source)
        {
            using var noGrad = no_grad();
            var from = source.state_dict();
            foreach (var (name, value) in state_dict())
            {
                if (!name.StartsWith(HeadPrefix, StringComparison.Ordinal))
                    value.copy_(from[name]);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _encoder.Dispose();
                head.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
