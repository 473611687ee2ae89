using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// LSTM layers of possibly different sizes stacked on top of each other (batch first), with dropout
    /// between layers while training. Unidirectional, so the output at step t depends only on steps 0..t:
    /// padding after a sequence's end never changes its outputs up to that end.
    /// </summary>
    internal sealed class StackedLstm : nn.Module
    {
#pragma warning disable IDE1006 // Field names are the state-dict keys.
        private readonly ModuleList<LSTM> layers;
#pragma warning restore IDE1006
        private readonly float _dropout;

        public StackedLstm(string name, int inputSize, IReadOnlyList<int> hiddenSizes, float dropout)
            : base(name)
        {
            _dropout = dropout;
            layers = new ModuleList<LSTM>();
            int size = inputSize;
            foreach (int hidden in hiddenSizes)
            {
                layers.Add(nn.LSTM(size, hidden, batchFirst: true));
                size = hidden;
            }
            OutputSize = size;
            RegisterComponents();
        }

        /// <summary>Every layer's weights in PyTorch's layout, first to last (for export).</summary>
        internal IReadOnlyList<LstmLayerWeights> Weights()
        {
            var result = new List<LstmLayerWeights>();
            foreach (LSTM layer in layers)
            {
                var named = layer.named_parameters().ToDictionary(p => p.name, p => ParameterValues.Of(p.parameter));
                int hidden = named["bias_hh_l0"].Length / 4;
                result.Add(new LstmLayerWeights(named["weight_ih_l0"].Length / (4 * hidden), hidden,
                    named["weight_ih_l0"], named["weight_hh_l0"], named["bias_ih_l0"], named["bias_hh_l0"]));
            }
            return result;
        }

        /// <summary>Size of each output step.</summary>
        public int OutputSize { get; }

        /// <summary>Runs the whole sequence from a zero state. <paramref name="x"/>: (B, L, In) → (B, L, H).</summary>
        public Tensor Forward(Tensor x, Generator dropout)
        {
            Tensor h = x;
            for (int i = 0; i < layers.Count; i++)
            {
                if (i > 0)
                    h = TorchInit.Dropout(h, _dropout, training, dropout);
                (h, _, _) = layers[i].call(h);
            }
            return h;
        }

        /// <summary>
        /// Advances every layer by the steps in <paramref name="x"/> (B, S, In) from <paramref name="states"/>
        /// (null entries start from zero) and replaces each state with the new one. Inference only: no dropout.
        /// </summary>
        public Tensor Step(Tensor x, (Tensor h, Tensor c)[] states)
        {
            Tensor h = x;
            for (int i = 0; i < layers.Count; i++)
            {
                (Tensor output, Tensor hn, Tensor cn) = layers[i].call(h, states[i].h is null ? null : ((Tensor, Tensor)?)states[i]);
                states[i] = (hn, cn);
                h = output;
            }
            return h;
        }

        /// <summary>Number of stacked layers.</summary>
        public int LayerCount => layers.Count;

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                layers.Dispose();
            base.Dispose(disposing);
        }
    }
}
