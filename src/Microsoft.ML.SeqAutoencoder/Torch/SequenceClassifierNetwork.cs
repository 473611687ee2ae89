using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// An LSTM sequence classifier: the encoder of <see cref="SequenceAutoencoderNetwork"/> (standardization, stacked
    /// LSTM, last real step, optional projection to the encoding) followed by a linear head from the encoding to one
    /// logit per class. The encoder's state-dict keys are the autoencoder's, so a fitted autoencoder's encoder and
    /// standardization can be copied in (<see cref="CopyEncoderFrom"/>).
    /// </summary>
    internal sealed class SequenceClassifierNetwork : nn.Module
    {
        /// <summary>State-dict key prefix of the head's parameters; every other key belongs to the encoder.</summary>
        private const string HeadPrefix = "head.";

#pragma warning disable IDE1006 // Field names are the state-dict keys: renaming one breaks saved models.
        private readonly FeatureStandardizer standardizer;
        private readonly StackedLstm encoder;
        private readonly Linear projection;
        private readonly Linear head;
#pragma warning restore IDE1006

        /// <param name="architecture">The shape of the network.</param>
        /// <param name="seed">Seed of the weight initialization.</param>
        public SequenceClassifierNetwork(ClassifierArchitecture architecture, long seed)
            : base(nameof(SequenceClassifierNetwork))
        {
            Architecture = architecture;
            int f = architecture.FeaturesPerStep;
            standardizer = new FeatureStandardizer(f);
            encoder = new StackedLstm(nameof(encoder), f, architecture.HiddenSizes, architecture.Dropout);
            if (architecture.EncodingSize != architecture.LastHiddenSize)
                projection = nn.Linear(architecture.LastHiddenSize, architecture.EncodingSize);
            head = nn.Linear(architecture.EncodingSize, architecture.ClassCount);
            RegisterComponents();

            using var generator = new Generator((ulong)seed, CPU);
            TorchInit.UniformLikePyTorch(this, generator);
        }

        /// <summary>The shape this network was built with.</summary>
        public ClassifierArchitecture Architecture { get; }

        /// <summary>The standardization of the inputs.</summary>
        public FeatureStandardizer Standardizer => standardizer;

        /// <summary>The encoder's parameters: LSTM layers and projection.</summary>
        public IEnumerable<Parameter> EncoderParameters()
            => projection is null ? encoder.parameters() : encoder.parameters().Concat(projection.parameters());

        /// <summary>The head's parameters.</summary>
        public IEnumerable<Parameter> HeadParameters() => head.parameters();

        /// <summary>Logits (B, K) of a batch; dropout (training only) draws its masks from <paramref name="dropout"/>.</summary>
        public Tensor Logits(SequenceBatch batch, Generator dropout)
        {
            Tensor x = standardizer.Normalize(batch.Inputs);
            Tensor hidden = encoder.Forward(x, dropout);
            Tensor code = batch.LastStep(hidden).squeeze(1);
            if (projection is not null)
                code = projection.call(code);
            code = TorchInit.Dropout(code, Architecture.Dropout, training, dropout);
            return head.call(code);
        }

        /// <summary>
        /// Copies the standardization, encoder and projection of <paramref name="source"/> into this network; the
        /// head keeps its initialization and <paramref name="source"/> is only read. The shapes must match
        /// (checked by the caller with a message naming the options).
        /// </summary>
        public void CopyEncoderFrom(SequenceAutoencoderNetwork source)
        {
            using var noGrad = no_grad();
            var from = source.state_dict();
            foreach (var (name, value) in state_dict())
            {
                if (!name.StartsWith(HeadPrefix, System.StringComparison.Ordinal))
                    value.copy_(from[name]);
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                standardizer.Dispose();
                encoder.Dispose();
                projection?.Dispose();
                head.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
