using System;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// Random numbers drawn from an explicit generator instead of libtorch's global one, so two trainings
    /// with the same seed are bit-identical even when they run concurrently in one process.
    /// </summary>
    internal static class TorchInit
    {
        /// <summary>
        /// Initializes every parameter of the LSTM and Linear modules inside <paramref name="module"/> with
        /// PyTorch's default distributions: U(-1/sqrt(hidden), 1/sqrt(hidden)) for LSTM weights and biases,
        /// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for Linear weights and biases.
        /// </summary>
        public static void UniformLikePyTorch(nn.Module module, Generator generator)
        {
            using var noGrad = no_grad();
            foreach (var (name, child) in module.named_modules())
            {
                switch (child)
                {
                    case TorchSharp.Modules.LSTM lstm:
                        foreach (var (_, p) in lstm.named_parameters())
                        {
                            // Every LSTM weight and bias has 4H rows (input, forget, cell, output gates).
                            long hidden = p.shape[0] / 4;
                            double bound = 1.0 / Math.Sqrt(hidden);
                            p.uniform_(-bound, bound, generator);
                        }
                        break;
                    case TorchSharp.Modules.Linear linear:
                        {
                            double bound = 1.0 / Math.Sqrt(linear.weight.shape[1]);
                            linear.weight.uniform_(-bound, bound, generator);
                            linear.bias?.uniform_(-bound, bound, generator);
                        }
                        break;
                }
            }
        }

        /// <summary>Inverted dropout with masks drawn from <paramref name="generator"/>; identity when not training.</summary>
        public static Tensor Dropout(Tensor x, float p, bool training, Generator generator)
        {
            if (!training || p <= 0)
                return x;
            // Scalars explicit and disposed after use (see ExplicitScalars).
            using Scalar probability = p, kept = 1 - p;
            using var keep = rand(x.shape, dtype: x.dtype, device: x.device, generator: generator).ge_(probability);
            return x.mul(keep).div_(kept);
        }
    }
}
