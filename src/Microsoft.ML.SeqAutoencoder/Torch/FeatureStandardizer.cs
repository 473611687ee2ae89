using System;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// Per-feature standardization fitted on the training data and kept as buffers of the network, so it
    /// is saved and loaded with the weights: x → (x - mean) / std.
    /// </summary>
    internal sealed class FeatureStandardizer : nn.Module
    {
#pragma warning disable IDE1006 // Field names are the state-dict keys.
        private readonly Tensor mean;
        private readonly Tensor std;
#pragma warning restore IDE1006

        public FeatureStandardizer(int features)
            : base(nameof(FeatureStandardizer))
        {
            mean = zeros(features);
            std = ones(features);
            RegisterComponents();
        }

        /// <summary>Sets the statistics. A feature with (near) zero spread keeps std = 1.</summary>
        public void Set(double[] featureMean, double[] featureStd)
        {
            using var noGrad = no_grad();
            var m = new float[featureMean.Length];
            var s = new float[featureStd.Length];
            for (int i = 0; i < m.Length; i++)
            {
                m[i] = (float)featureMean[i];
                s[i] = featureStd[i] > 1e-8 ? (float)featureStd[i] : 1f;
            }
            using var mt = tensor(m);
            using var st = tensor(s);
            mean.copy_(mt);
            std.copy_(st);
        }

        /// <summary>Per-feature means.</summary>
        public float[] Mean => mean.data<float>().ToArray();

        /// <summary>Per-feature standard deviations (1 where the training data had no spread).</summary>
        public float[] Std => std.data<float>().ToArray();

        /// <summary>(x - mean) / std over the last dimension.</summary>
        public Tensor Normalize(Tensor x) => x.sub(mean).div_(std);

        /// <summary>x * std + mean over the last dimension.</summary>
        public Tensor Denormalize(Tensor x) => x.mul(std).add_(mean, ExplicitScalars.One);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                mean.Dispose();
                std.Dispose();
            }
            base.Dispose(disposing);
        }

        /// <summary>The centers and scales as plain arrays (for export): x → (x − center) / scale.</summary>
        internal (float[] Center, float[] Scale) Values() => (mean.data<float>().ToArray(), std.data<float>().ToArray());
    }
}
