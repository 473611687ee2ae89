using System;
using System.Threading;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// A fitted sequence classifier ready for inference: class probabilities for batches of sequences, computed
    /// without gradients in a dispose scope per batch. Safe to call from several threads at once (the network is
    /// only read), and to dispose while they run (<see cref="NetworkLifetime"/>). Owns the network: dispose it when done. Saved and loaded by <c>Persistence/ClassifierModelFormat</c>.
    /// </summary>
    internal sealed class SequenceClassifierModel : IDisposable
    {
        private readonly SequenceClassifierNetwork _network;
        private readonly NetworkLifetime _lifetime;
        private long _forwardPasses;

        public SequenceClassifierModel(SequenceClassifierNetwork network)
        {
            Contracts.AssertValue(network);
            _network = network;
            _network.eval();
            _lifetime = new NetworkLifetime(network, this);
        }

        /// <summary>The network's shape.</summary>
        public ClassifierArchitecture Architecture => _network.Architecture;

        /// <summary>The underlying network (for persistence and tests).</summary>
        internal SequenceClassifierNetwork Network => _network;

        /// <summary>Forward passes run so far (tests count them).</summary>
        internal long ForwardPasses => Interlocked.Read(ref _forwardPasses);

        /// <summary>Whether <see cref="Dispose"/> was called.</summary>
        public bool IsDisposed => _lifetime.IsDisposed;

        /// <summary>A use of <see cref="Network"/> by code outside this class (persistence, export): hold it while reading the network.</summary>
        /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
        public NetworkLifetime.Use Use() => _lifetime.Enter();

        /// <summary>
        /// Softmax class probabilities (K values each) of every sequence of <paramref name="set"/>, in forward passes of
        /// up to <paramref name="batchSize"/> sequences. No tensor survives the call.
        /// </summary>
        public float[][] Probabilities(SequenceSet set, int batchSize)
        {
            using var use = _lifetime.Enter();
            Contracts.Assert(set.FeaturesPerStep == Architecture.Encoder.FeaturesPerStep && batchSize > 0);
            int k = Architecture.ClassCount;
            int[] all = set.All();
            var results = new float[set.Count][];
            for (int start = 0; start < set.Count; start += batchSize)
            {
                int count = Math.Min(batchSize, set.Count - start);
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                using var batch = set.CreateBatch(all, start, count);
                Interlocked.Increment(ref _forwardPasses);
                float[] values = _network.Logits(batch, null).softmax(1).contiguous().data<float>().ToArray();
                for (int b = 0; b < count; b++)
                    results[start + b] = values.AsSpan(b * k, k).ToArray();
            }
            return results;
        }

        /// <summary>Refuses new work and releases the network when the forward passes in flight end.</summary>
        public void Dispose() => _lifetime.Dispose();
    }
}
