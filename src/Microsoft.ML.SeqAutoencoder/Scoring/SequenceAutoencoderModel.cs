using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.ML.SeqAutoencoder.Persistence;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Scoring
{
    /// <summary>
    /// A fitted autoencoder ready for inference: codes, reconstructions and forecasts for batches of
    /// sequences, computed without gradients in a dispose scope per batch. Safe to call from several
    /// threads at once (the network is only read). Owns the network: dispose it when done.
    /// </summary>
    internal sealed class SequenceAutoencoderModel : IDisposable
    {
        /// <summary>Sequences per forward pass when a whole set is scored.</summary>
        public const int DefaultBatchSize = 256;

        private readonly SequenceAutoencoderNetwork _network;
        private long _forwardPasses;
        private bool _disposed;

        public SequenceAutoencoderModel(SequenceAutoencoderNetwork network)
        {
            _network = network ?? throw new ArgumentNullException(nameof(network));
            _network.eval();
        }

        /// <summary>The network's shape.</summary>
        public AutoencoderArchitecture Architecture => _network.Architecture;

        /// <summary>Number of forward passes run so far (lets tests check that scoring is lazy and batched).</summary>
        internal long ForwardPasses => Interlocked.Read(ref _forwardPasses);

        /// <summary>The underlying network (for persistence and tests).</summary>
        internal SequenceAutoencoderNetwork Network => _network;

        /// <summary>Per-feature means of the standardization.</summary>
        public float[] FeatureMean => _network.Standardizer.Mean;

        /// <summary>Per-feature standard deviations of the standardization.</summary>
        public float[] FeatureStd => _network.Standardizer.Std;

        /// <summary>The code of every sequence in <paramref name="set"/>.</summary>
        public float[][] Encode(SequenceSet set, int batchSize = DefaultBatchSize)
            => Run(set, batchSize, reconstruct: false, forecast: false).Select(o => o.Code).ToArray();

        /// <summary>Every sequence rebuilt in input order and original units (its own length).</summary>
        public float[][] Reconstruct(SequenceSet set, int batchSize = DefaultBatchSize)
            => Run(set, batchSize, reconstruct: true, forecast: false).Select(o => o.Reconstruction).ToArray();

        /// <summary>The PredictionLength steps forecast after every sequence, original units.</summary>
        public float[][] Forecast(SequenceSet set, int batchSize = DefaultBatchSize)
            => Run(set, batchSize, reconstruct: false, forecast: true).Select(o => o.Forecast).ToArray();

        /// <summary>Runs every sequence of <paramref name="set"/> in batches of <paramref name="batchSize"/>.</summary>
        public SequenceOutputs[] Run(SequenceSet set, int batchSize, bool reconstruct, bool forecast)
        {
            if (batchSize <= 0)
                throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be positive.");
            var results = new SequenceOutputs[set.Count];
            int[] all = Enumerable.Range(0, set.Count).ToArray();
            for (int start = 0; start < set.Count; start += batchSize)
            {
                int count = Math.Min(batchSize, set.Count - start);
                Infer(set, all, start, count, reconstruct, forecast).CopyTo(results, start);
            }
            return results;
        }

        /// <summary>
        /// One forward pass over the sequences at <paramref name="indices"/>[start..start+count).
        /// Outputs are plain arrays; no tensor survives the call.
        /// </summary>
        public SequenceOutputs[] Infer(SequenceSet set, int[] indices, int start, int count, bool reconstruct, bool forecast)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (set.FeaturesPerStep != Architecture.FeaturesPerStep)
                throw new ArgumentException($"The sequences have {set.FeaturesPerStep} features per step; the autoencoder expects {Architecture.FeaturesPerStep}.", nameof(set));

            Interlocked.Increment(ref _forwardPasses);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var batch = set.CreateBatch(indices, start, count);
            var (code, rebuilt, future) = _network.Infer(batch, reconstruct, forecast);

            int f = Architecture.FeaturesPerStep;
            float[] codes = code.contiguous().data<float>().ToArray();
            float[] rebuiltValues = rebuilt?.contiguous().data<float>().ToArray();
            float[] futureValues = future?.contiguous().data<float>().ToArray();
            int e = Architecture.EncodingSize;
            long steps = batch.Steps;
            int p = Architecture.PredictionLength;

            var outputs = new SequenceOutputs[count];
            for (int b = 0; b < count; b++)
            {
                float[] r = null;
                if (rebuiltValues is not null)
                    r = rebuiltValues.AsSpan((int)(b * steps * f), (int)batch.Lengths[b] * f).ToArray();
                float[] fc = futureValues?.AsSpan(b * p * f, p * f).ToArray();
                outputs[b] = new SequenceOutputs(codes.AsSpan(b * e, e).ToArray(), r, fc);
            }
            return outputs;
        }

        /// <summary>
        /// One-to-many decoding: each code (EncodingSize values) becomes <paramref name="steps"/> steps, step-major,
        /// in original units (see <see cref="SequenceAutoencoderNetwork.Decode"/>).
        /// </summary>
        public float[][] Decode(IReadOnlyList<float[]> codes, int steps)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int e = Architecture.EncodingSize;
            int f = Architecture.FeaturesPerStep;
            var flat = new float[codes.Count * e];
            for (int i = 0; i < codes.Count; i++)
                codes[i].AsSpan().CopyTo(flat.AsSpan(i * e, e));
            Interlocked.Increment(ref _forwardPasses);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            using var code = tensor(flat, new long[] { codes.Count, e });
            float[] values = _network.Decode(code, steps).contiguous().data<float>().ToArray();
            var rows = new float[codes.Count][];
            for (int i = 0; i < rows.Length; i++)
                rows[i] = values.AsSpan(i * steps * f, steps * f).ToArray();
            return rows;
        }

        /// <summary>An independent copy (same weights), for components that must own their network.</summary>
        public SequenceAutoencoderModel Clone()
        {
            var stream = new MemoryStream();
            Save(stream);
            stream.Position = 0;
            return Load(stream);
        }

        /// <summary>Writes architecture, standardization and weights (see <see cref="AutoencoderModelFormat"/>).</summary>
        public void Save(Stream stream) => AutoencoderModelFormat.Write(stream, _network);

        /// <summary>Reads a model written by <see cref="Save"/>; a damaged stream gives an <see cref="InvalidDataException"/>.</summary>
        public static SequenceAutoencoderModel Load(Stream stream) => new SequenceAutoencoderModel(AutoencoderModelFormat.Read(stream));

        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            _network.Dispose();
        }
    }

    /// <summary>What the network produced for one sequence; arrays are null when not asked for.</summary>
    /// <param name="Code">The encoding, EncodingSize values.</param>
    /// <param name="Reconstruction">The rebuilt sequence, step-major, same length as the input.</param>
    /// <param name="Forecast">The PredictionLength forecast steps, step-major.</param>
    internal sealed record SequenceOutputs(float[] Code, float[] Reconstruction, float[] Forecast);
}
