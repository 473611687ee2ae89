using System;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// A batch of sequences as tensors, batch first: <see cref="Inputs"/> (B, L, F) in original units,
    /// padded after each sequence's end when lengths differ. Owns its tensors.
    /// </summary>
    internal sealed class SequenceBatch : IDisposable
    {
        public SequenceBatch(Tensor inputs, long[] lengths, Tensor future)
        {
            Inputs = inputs;
            Lengths = lengths;
            Future = future;
            long max = inputs.shape[1];
            foreach (long length in lengths)
            {
                if (length != max)
                {
                    IsRagged = true;
                    break;
                }
            }
            if (IsRagged)
            {
                var last = new long[lengths.Length];
                for (int i = 0; i < last.Length; i++)
                    last[i] = lengths[i] - 1;
                LastStepIndex = tensor(last, device: inputs.device);
                using var steps = arange(max, device: inputs.device).unsqueeze(0);
                using var lens = tensor(lengths, device: inputs.device).unsqueeze(1);
                Mask = steps.lt(lens).unsqueeze(2).to_type(ScalarType.Float32);
            }
        }

        /// <summary>(B, L, F) input steps, original units, zero-padded after each sequence's end.</summary>
        public Tensor Inputs { get; }

        /// <summary>Number of real steps in each sequence.</summary>
        public long[] Lengths { get; }

        /// <summary>(B, P, F) steps that follow each input (prediction targets), or null.</summary>
        public Tensor Future { get; }

        /// <summary>True when the sequences have different lengths.</summary>
        public bool IsRagged { get; }

        /// <summary>(B) index of each sequence's last real step; null when not ragged.</summary>
        public Tensor LastStepIndex { get; }

        /// <summary>(B, L, 1) 1 on real steps, 0 on padding; null when not ragged.</summary>
        public Tensor Mask { get; }

        /// <summary>
        /// (B, 1, D): each sequence's step of <paramref name="steps"/> (B, L, D) at its own last real position.
        /// </summary>
        public Tensor LastStep(Tensor steps)
        {
            if (!IsRagged)
                return steps[.., ^1..];
            using var index = LastStepIndex.view(-1, 1, 1).expand(steps.shape[0], 1, steps.shape[2]);
            return steps.gather(1, index);
        }

        /// <summary>
        /// (B, S·D): for each sequence, the mean of <paramref name="steps"/> (B, L, D) over each of <paramref name="segments"/>
        /// equal segments of its own real length T, concatenated in time order. Segment k covers the steps
        /// [⌊k·T/S⌋, max(⌊k·T/S⌋ + 1, ⌊(k+1)·T/S⌋)), so a sequence shorter than S steps repeats steps; padding never counts.
        /// </summary>
        public Tensor SegmentMeans(Tensor steps, int segments)
        {
            long count = steps.shape[0];
            long length = steps.shape[1];
            var weights = new float[count * segments * length];
            for (long b = 0; b < count; b++)
            {
                long real = Lengths[b];
                for (int k = 0; k < segments; k++)
                {
                    long from = k * real / segments;
                    long to = Math.Max(from + 1, (k + 1) * real / segments);
                    float w = 1f / (to - from);
                    for (long t = from; t < to; t++)
                        weights[(b * segments + k) * length + t] = w;
                }
            }
            using var w3 = tensor(weights, new long[] { count, segments, length }, device: steps.device);
            return w3.bmm(steps).reshape(count, segments * steps.shape[2]);
        }

        /// <summary>Batch size.</summary>
        public long Count => Inputs.shape[0];

        /// <summary>Padded length L.</summary>
        public long Steps => Inputs.shape[1];

        public void Dispose()
        {
            Inputs.Dispose();
            Future?.Dispose();
            LastStepIndex?.Dispose();
            Mask?.Dispose();
        }
    }
}
