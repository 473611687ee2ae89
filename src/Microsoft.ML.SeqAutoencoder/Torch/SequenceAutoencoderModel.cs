using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// A fitted autoencoder ready for inference: codes, reconstructions, forecasts and standardized errors for batches
    /// of sequences, computed without gradients in a dispose scope per batch. Safe to call from several threads at
    /// once (the network is only read), and to dispose while they run (<see cref="NetworkLifetime"/>). Owns the network:
    /// dispose it when done. Saved and loaded by
    /// <c>Persistence/AutoencoderModelFormat</c>.
    /// </summary>
    internal sealed class SequenceAutoencoderModel : IDisposable
    {
        private readonly SequenceAutoencoderNetwork _network;
        private readonly float[] _std;
        private readonly NetworkLifetime _lifetime;
        private long _forwardPasses;

        public SequenceAutoencoderModel(SequenceAutoencoderNetwork network)
        {
            Contracts.AssertValue(network);
            _network = network;
            _network.eval();
            _std = network.Encoder.Standardizer.Std;
            _lifetime = new NetworkLifetime(network, this);
        }

        /// <summary>The network's shape.</summary>
        public AutoencoderArchitecture Architecture => _network.Architecture;

        /// <summary>Number of forward passes run so far (lets tests check that scoring is lazy and batched).</summary>
        internal long ForwardPasses => Interlocked.Read(ref _forwardPasses);

        /// <summary>The underlying network (for persistence, fine-tuning and tests).</summary>
        internal SequenceAutoencoderNetwork Network => _network;

        /// <summary>Whether <see cref="Dispose"/> was called.</summary>
        public bool IsDisposed => _lifetime.IsDisposed;

        /// <summary>A use of <see cref="Network"/> by code outside this class (persistence, export): hold it while reading the network.</summary>
        /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
        public NetworkLifetime.Use Use() => _lifetime.Enter();

        /// <summary>
        /// Runs the sequences of <paramref name="set"/> at <paramref name="indices"/> (all when null) in forward passes of
        /// up to <paramref name="batchSize"/>; <paramref name="kinds"/> says what to compute besides the code. The set's
        /// <see cref="SequenceSet.TargetSteps"/> must be the model's PredictionLength: errors compare the forecast with them.
        /// With <paramref name="segments"/> positive, the segment means of the last encoder layer are computed too.
        /// Outputs are plain arrays; no tensor survives the call.
        /// </summary>
        public SequenceOutputs[] Run(SequenceSet set, int batchSize, SequenceOutputKinds kinds, IReadOnlyList<int> indices = null, int segments = 0)
        {
            using var use = _lifetime.Enter();
            var arch = Architecture;
            Contracts.Assert(set.FeaturesPerStep == arch.FeaturesPerStep && set.TargetSteps == arch.PredictionLength && batchSize > 0);
            indices ??= set.All();
            bool errors = (kinds & SequenceOutputKinds.Errors) != 0;
            bool reconstruct = arch.HasReconstructionDecoder && (errors || (kinds & SequenceOutputKinds.Reconstruction) != 0);
            bool forecast = arch.HasPredictionDecoder && (errors || (kinds & SequenceOutputKinds.Forecast) != 0);
            var results = new SequenceOutputs[indices.Count];
            for (int start = 0; start < indices.Count; start += batchSize)
            {
                int count = Math.Min(batchSize, indices.Count - start);
                Infer(set, indices, start, count, reconstruct, forecast, errors, segments).CopyTo(results, start);
            }
            return results;
        }

        /// <summary>One forward pass over the sequences at <paramref name="indices"/>[start..start+count).</summary>
        private SequenceOutputs[] Infer(SequenceSet set, IReadOnlyList<int> indices, int start, int count, bool reconstruct, bool forecast, bool errors, int segments)
        {
            Interlocked.Increment(ref _forwardPasses);
            float[] codes, rebuiltValues, futureValues, segmentValues;
            long steps;
            long[] lengths;
            using (var scope = NewDisposeScope())
            using (var noGrad = no_grad())
            using (var batch = set.CreateBatch(indices, start, count))
            {
                var (code, rebuilt, future, segmentMeans) = _network.Infer(batch, reconstruct, forecast, segments);
                codes = code.contiguous().data<float>().ToArray();
                segmentValues = segmentMeans?.contiguous().data<float>().ToArray();
                rebuiltValues = rebuilt?.contiguous().data<float>().ToArray();
                futureValues = future?.contiguous().data<float>().ToArray();
                steps = batch.Steps;
                lengths = batch.Lengths;
            }

            int f = Architecture.FeaturesPerStep;
            int e = Architecture.EncodingSize;
            int p = Architecture.PredictionLength;
            int readout = segments * Architecture.HiddenSizes[^1];
            var outputs = new SequenceOutputs[count];
            for (int b = 0; b < count; b++)
            {
                int row = indices[start + b];
                float[] r = rebuiltValues?.AsSpan((int)(b * steps * f), (int)lengths[b] * f).ToArray();
                float[] fc = futureValues?.AsSpan(b * p * f, p * f).ToArray();
                double[] err = errors ? Errors(set.Get(row), r, set.GetTarget(row), fc) : null;
                float[] means = segmentValues?.AsSpan(b * readout, readout).ToArray();
                outputs[b] = new SequenceOutputs(codes.AsSpan(b * e, e).ToArray(), r, fc, err, means);
            }
            return outputs;
        }

        private double[] Errors(ReadOnlySpan<float> input, float[] rebuilt, ReadOnlySpan<float> target, float[] forecast)
        {
            int f = Architecture.FeaturesPerStep;
            int reconstructed = rebuilt?.Length ?? 0;
            int forecastLength = forecast?.Length ?? 0;
            var e = new double[reconstructed + forecastLength];
            for (int k = 0; k < reconstructed; k++)
                e[k] = Math.Abs((double)input[k] - rebuilt[k]) / _std[k % f];
            for (int k = 0; k < forecastLength; k++)
                e[reconstructed + k] = Math.Abs((double)target[k] - forecast[k]) / _std[k % f];
            return e;
        }

        /// <summary>
        /// One-to-many decoding: each code (EncodingSize values) becomes <paramref name="steps"/> steps, step-major, in
        /// original units (see <see cref="SequenceAutoencoderNetwork.Decode"/>).
        /// </summary>
        public float[][] Decode(IReadOnlyList<float[]> codes, int steps)
        {
            using var use = _lifetime.Enter();
            int e = Architecture.EncodingSize;
            int f = Architecture.FeaturesPerStep;
            var flat = new float[codes.Count * e];
            for (int i = 0; i < codes.Count; i++)
                codes[i].AsSpan().CopyTo(flat.AsSpan(i * e, e));
            Interlocked.Increment(ref _forwardPasses);
            float[] values;
            using (var scope = NewDisposeScope())
            using (var noGrad = no_grad())
            using (var code = tensor(flat, new long[] { codes.Count, e }))
                values = _network.Decode(code, steps).contiguous().data<float>().ToArray();
            var rows = new float[codes.Count][];
            for (int i = 0; i < rows.Length; i++)
                rows[i] = values.AsSpan(i * steps * f, steps * f).ToArray();
            return rows;
        }

        /// <summary>Refuses new work and releases the network when the forward passes in flight end.</summary>
        public void Dispose() => _lifetime.Dispose();
    }
}
