using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Training
{
    /// <summary>
    /// A copy of a module's state dict (weights and buffers) taken at its best epoch so far, restored when training
    /// ends. Owns the copies: dispose it.
    /// </summary>
    internal sealed class BestWeights : IDisposable
    {
        private readonly Dictionary<string, Tensor> _copies = new Dictionary<string, Tensor>();

        /// <summary>Whether a snapshot has been taken.</summary>
        public bool HasSnapshot => _copies.Count > 0;

        /// <summary>Copies every tensor of <paramref name="module"/>'s state dict, overwriting the previous snapshot.</summary>
        public void Snapshot(nn.Module module)
        {
            using var noGrad = no_grad();
            foreach (var (name, value) in module.state_dict())
            {
                if (_copies.TryGetValue(name, out var copy))
                    copy.copy_(value);
                else
                    _copies[name] = value.detach().clone().DetachFromDisposeScope();
            }
        }

        /// <summary>Copies the snapshot back into <paramref name="module"/>.</summary>
        public void Restore(nn.Module module)
        {
            using var noGrad = no_grad();
            foreach (var (name, value) in module.state_dict())
                value.copy_(_copies[name]);
        }

        public void Dispose()
        {
            foreach (var t in _copies.Values)
                t.Dispose();
            _copies.Clear();
        }
    }
}
