using System.Collections.Generic;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// Turns a code into a sequence of steps: a stacked LSTM whose input at every step is the code
    /// (RepeatVector style), plus, when conditioned, the previous output step; a linear layer maps each
    /// hidden state to the F features of that step.
    /// </summary>
    internal sealed class SequenceDecoder : nn.Module
    {
#pragma warning disable IDE1006 // Field names are the state-dict keys.
        private readonly StackedLstm lstm;
        private readonly Linear output;
#pragma warning restore IDE1006

        public SequenceDecoder(string name, int codeSize, int features, IReadOnlyList<int> hiddenSizes,
            bool conditional, float dropout)
            : base(name)
        {
            Conditional = conditional;
            lstm = new StackedLstm(nameof(lstm), conditional ? codeSize + features : codeSize, hiddenSizes, dropout);
            output = nn.Linear(lstm.OutputSize, features);
            RegisterComponents();
        }

        /// <summary>Whether each step also sees the previous output step.</summary>
        public bool Conditional { get; }

        /// <summary>
        /// All steps in one pass. For a conditioned decoder <paramref name="previous"/> (B, steps, F) holds the
        /// step before each target step (teacher forcing); otherwise it is ignored. Returns (B, steps, F).
        /// </summary>
        public Tensor Forward(Tensor code, long steps, Tensor previous, Generator dropout)
        {
            Tensor input = code.unsqueeze(1).expand(code.shape[0], steps, code.shape[1]);
            if (Conditional)
                input = cat(new[] { input, previous }, 2);
            return output.call(lstm.Forward(input, dropout));
        }

        /// <summary>
        /// Free-running generation for inference: a conditioned decoder feeds each output step back as the
        /// next input, starting from <paramref name="first"/> (B, 1, F). An unconditioned decoder needs no
        /// feedback and runs in one pass. Returns (B, steps, F).
        /// </summary>
        public Tensor Generate(Tensor code, long steps, Tensor first)
        {
            if (!Conditional)
                return Forward(code, steps, null, null);

            var states = new (Tensor h, Tensor c)[lstm.LayerCount];
            var outputs = new Tensor[steps];
            Tensor stepCode = code.unsqueeze(1);
            Tensor previous = first;
            for (long t = 0; t < steps; t++)
            {
                Tensor h = lstm.Step(cat(new[] { stepCode, previous }, 2), states);
                previous = output.call(h);
                outputs[t] = previous;
            }
            return cat(outputs, 1);
        }

        /// <summary>The LSTM layers and the output layer's weight (F × H, row-major) and bias (F), for export.</summary>
        internal (IReadOnlyList<LstmLayerWeights> Layers, float[] OutputWeight, float[] OutputBias) Weights()
            => (lstm.Weights(), ParameterValues.Of(output.weight), ParameterValues.Of(output.bias));

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                lstm.Dispose();
                output.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
