using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Training
{
    /// <summary>
    /// Adam (Kingma and Ba 2015, with PyTorch's placement of ε: θ ← θ − lr/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε)), the
    /// optimizer of every trainer here. The library's own rather than TorchSharp's <c>optim.Adam</c> because that one
    /// passes its coefficients as implicitly converted <see cref="Scalar"/>s, which a garbage collection can free while
    /// libtorch reads them (<see cref="ExplicitScalars"/>; it stopped a 54-channel benchmark run). Here every coefficient
    /// is created explicitly and disposed after the calls that use it. Same arithmetic,
    /// in the same order, as TorchSharp's <c>optim.Adam</c> with its defaults (β = 0.9, 0.999; ε = 1e-8; no weight
    /// decay), so results are identical (tested); each parameter counts its own steps, skipping steps without a gradient.
    /// </summary>
    internal sealed class AdamOptimizer : IDisposable
    {
        private const double Beta1 = 0.9;
        private const double Beta2 = 0.999;
        private const double Epsilon = 1e-8;

        private readonly Parameter[] _parameters;
        private readonly Tensor[] _average;
        private readonly Tensor[] _averageSquare;
        private readonly long[] _steps;
        private readonly double _learningRate;
        private bool _disposed;

        /// <param name="parameters">The parameters to update.</param>
        /// <param name="learningRate">The step size.</param>
        public AdamOptimizer(IEnumerable<Parameter> parameters, double learningRate)
        {
            _parameters = parameters.ToArray();
            _learningRate = learningRate;
            _steps = new long[_parameters.Length];
            _average = new Tensor[_parameters.Length];
            _averageSquare = new Tensor[_parameters.Length];
            using (no_grad())
            {
                for (int i = 0; i < _parameters.Length; i++)
                {
                    _average[i] = zeros_like(_parameters[i]).DetachFromDisposeScope();
                    _averageSquare[i] = zeros_like(_parameters[i]).DetachFromDisposeScope();
                }
            }
        }

        /// <summary>Zeroes the parameters' gradients.</summary>
        public void ZeroGrad()
        {
            foreach (var parameter in _parameters)
            {
                Tensor grad = parameter.grad;
                grad?.zero_();
                GC.KeepAlive(grad);
            }
        }

        /// <summary>One update of every parameter that has a gradient.</summary>
        public void Step()
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var noGrad = no_grad();
            using Scalar beta1 = Beta1, beta2 = Beta2, rest1 = 1 - Beta1, rest2 = 1 - Beta2, epsilon = Epsilon;
            for (int i = 0; i < _parameters.Length; i++)
            {
                Tensor grad = _parameters[i].grad; // a wrapper the caller's dispose scope owns; kept alive below
                if (grad is null)
                    continue;
                long step = ++_steps[i];
                double correction1 = 1 - Math.Pow(Beta1, step);
                double correction2 = 1 - Math.Pow(Beta2, step);
                _average[i].mul_(beta1).add_(grad, rest1);
                _averageSquare[i].mul_(beta2).addcmul_(grad, grad, rest2);
                using Scalar root2 = Math.Sqrt(correction2), stepSize = -(_learningRate / correction1);
                using Tensor root = _averageSquare[i].sqrt();
                using Tensor denominator = root.div(root2).add_(epsilon, ExplicitScalars.One);
                _parameters[i].addcdiv_(_average[i], denominator, stepSize);
                GC.KeepAlive(grad);
            }
        }

        /// <summary>Frees the moment estimates.</summary>
        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            foreach (var t in _average.Concat(_averageSquare))
                t.Dispose();
        }
    }
}
