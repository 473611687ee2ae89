using System;
using System.Collections.Generic;
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
        /// Runs the whole stack over <paramref name="steps"/> copies of <paramref name="input"/> (B, In), as
        /// <see cref="Forward"/> on <c>input</c> repeated along the time axis would (the RepeatVector decoder), but
        /// multiplies the input by the first layer's input weights once instead of at every step: the first layer's
        /// gates are W_ih·x + b_ih + b_hh (computed once) + W_hh·h_{t-1}. Same weights, same result up to float
        /// rounding, about a third fewer FLOPs in a one-layer decoder's forward and backward passes. Returns (B, steps, H).
        /// </summary>
        public Tensor ForwardRepeated(Tensor input, long steps, Generator dropout)
        {
            Tensor h = RepeatedInputLayer(layers[0], input, steps);
            for (int i = 1; i < layers.Count; i++)
            {
                h = TorchInit.Dropout(h, _dropout, training, dropout);
                (h, _, _) = layers[i].call(h);
            }
            return h;
        }

        /// <summary>
        /// One LSTM layer (PyTorch's gate order i, f, g, o) from a zero state over a constant input, step by step.
        /// </summary>
        private static Tensor RepeatedInputLayer(LSTM layer, Tensor input, long steps)
        {
            Tensor weightIh = null, weightHh = null, biasIh = null, biasHh = null;
            foreach (var (name, parameter) in layer.named_parameters())
            {
                switch (name)
                {
                    case "weight_ih_l0": weightIh = parameter; break;
                    case "weight_hh_l0": weightHh = parameter; break;
                    case "bias_ih_l0": biasIh = parameter; break;
                    case "bias_hh_l0": biasHh = parameter; break;
                }
            }
            if (weightIh is null || weightHh is null)
                throw new InvalidOperationException("The LSTM layer has no weight_ih_l0/weight_hh_l0 parameters.");

            Tensor inputGates = nn.functional.linear(input, weightIh, biasIh);
            if (biasHh is not null)
                inputGates = inputGates.add(biasHh);
            Tensor recurrent = weightHh.t();
            var outputs = new Tensor[steps];
            Tensor h = null;
            Tensor c = null;
            for (long t = 0; t < steps; t++)
            {
                // The state starts at zero, so the first step's gates are the input gates alone.
                Tensor gates = h is null ? inputGates : inputGates.addmm(h, recurrent);
                Tensor[] chunks = gates.chunk(4, 1);
                Tensor inputGate = chunks[0].sigmoid();
                Tensor cellCandidate = chunks[2].tanh();
                Tensor outputGate = chunks[3].sigmoid();
                c = c is null ? inputGate.mul(cellCandidate) : chunks[1].sigmoid().mul(c).add(inputGate.mul(cellCandidate));
                h = outputGate.mul(c.tanh());
                outputs[t] = h;
            }
            return stack(outputs, 1);
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
