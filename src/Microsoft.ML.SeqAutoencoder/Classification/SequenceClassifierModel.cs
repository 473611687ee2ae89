using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.SeqAutoencoder.Persistence;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Classification
{
    /// <summary>
    /// A fitted sequence classifier ready for inference: class probabilities for batches of sequences, computed
    /// without gradients in a dispose scope per batch. Safe to call from several threads at once (the network is
    /// only read). Owns the network: dispose it when done.
    /// </summary>
    internal sealed class SequenceClassifierModel : IDisposable
    {
        private readonly SequenceClassifierNetwork _network;
        private bool _disposed;

        public SequenceClassifierModel(SequenceClassifierNetwork network)
        {
            _network = network ?? throw new ArgumentNullException(nameof(network));
            _network.eval();
        }

        /// <summary>The network's shape.</summary>
        public ClassifierArchitecture Architecture => _network.Architecture;

        /// <summary>The underlying network (for persistence and tests).</summary>
        internal SequenceClassifierNetwork Network => _network;

        /// <summary>
        /// Softmax class probabilities (K values each) of validated rows (step-major, whole steps), in forward passes
        /// of up to <paramref name="batchSize"/> rows. No tensor survives the call.
        /// </summary>
        public float[][] Probabilities(IReadOnlyList<float[]> rows, int batchSize)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (batchSize <= 0)
                throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be positive.");
            int k = Architecture.ClassCount;
            var set = SequenceSet.From(rows, Architecture.FeaturesPerStep);
            var all = new int[set.Count];
            for (int i = 0; i < all.Length; i++)
                all[i] = i;
            var results = new float[set.Count][];
            for (int start = 0; start < set.Count; start += batchSize)
            {
                int count = Math.Min(batchSize, set.Count - start);
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                using var batch = set.CreateBatch(all, start, count);
                float[] values = _network.Logits(batch, null).softmax(1).contiguous().data<float>().ToArray();
                for (int b = 0; b < count; b++)
                    results[start + b] = values.AsSpan(b * k, k).ToArray();
            }
            return results;
        }

        /// <summary>An independent copy (same weights).</summary>
        public SequenceClassifierModel Clone()
        {
            var stream = new MemoryStream();
            Save(stream);
            stream.Position = 0;
            return Load(stream);
        }

        /// <summary>Writes architecture, standardization and weights (see <see cref="ClassifierModelFormat"/>).</summary>
        public void Save(Stream stream)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            ClassifierModelFormat.Write(stream, _network);
        }

        /// <summary>Reads a model written by <see cref="Save"/>; a damaged stream gives an <see cref="InvalidDataException"/>.</summary>
        public static SequenceClassifierModel Load(Stream stream) => new SequenceClassifierModel(ClassifierModelFormat.Read(stream));

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            _network.Dispose();
        }
    }
}
