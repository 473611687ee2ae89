using System;
using System.Collections.Generic;
using Microsoft.ML.SeqAutoencoder.Torch;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Training
{
    /// <summary>
    /// Sequences held in one growing float buffer, step-major (step 0's F features, then step 1's, ...).
    /// Lengths may differ. Every value is checked on the way in: no NaN or infinity gets into training.
    /// </summary>
    internal sealed class SequenceSet
    {
        private float[] _values = new float[1024];
        private int _used;
        private readonly List<int> _offsets = new List<int>();
        private readonly List<int> _lengths = new List<int>();

        public SequenceSet(int featuresPerStep)
        {
            if (featuresPerStep <= 0)
                throw new ArgumentOutOfRangeException(nameof(featuresPerStep), featuresPerStep, "Features per step must be positive.");
            FeaturesPerStep = featuresPerStep;
        }

        /// <summary>F.</summary>
        public int FeaturesPerStep { get; }

        /// <summary>Number of sequences.</summary>
        public int Count => _lengths.Count;

        /// <summary>True when all sequences have the same number of steps.</summary>
        public bool IsUniform { get; private set; } = true;

        /// <summary>Number of steps of sequence <paramref name="index"/>.</summary>
        public int Length(int index) => _lengths[index];

        /// <summary>The values of sequence <paramref name="index"/>, Length(index) * F of them.</summary>
        public ReadOnlySpan<float> Get(int index) => new ReadOnlySpan<float>(_values, _offsets[index], _lengths[index] * FeaturesPerStep);

        /// <summary>
        /// Appends one sequence. Throws <see cref="ArgumentOutOfRangeException"/> when it has no step and
        /// <see cref="ArgumentException"/> when it is not whole steps or not finite.
        /// </summary>
        public void Add(ReadOnlySpan<float> values)
        {
            int f = FeaturesPerStep;
            if (values.Length == 0)
                throw new ArgumentOutOfRangeException(nameof(values), 0, "A sequence must have at least one step (T = 0 is not a sequence).");
            if (values.Length % f != 0)
                throw new ArgumentException($"A sequence of {values.Length} values is not a whole number of steps of {f} features.", nameof(values));
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                    throw new ArgumentException($"Sequence {Count} has a non-finite value ({values[i]}) at step {i / f}, feature {i % f}.", nameof(values));
            }
            if (_used + values.Length > _values.Length)
                Array.Resize(ref _values, Math.Max(_values.Length * 2, _used + values.Length));
            values.CopyTo(new Span<float>(_values, _used, values.Length));
            int steps = values.Length / f;
            if (Count > 0 && steps != _lengths[0])
                IsUniform = false;
            _offsets.Add(_used);
            _lengths.Add(steps);
            _used += values.Length;
        }

        /// <summary>Builds a set from rows of step-major values.</summary>
        public static SequenceSet From(IEnumerable<float[]> rows, int featuresPerStep)
        {
            var set = new SequenceSet(featuresPerStep);
            foreach (var row in rows)
                set.Add(row);
            return set;
        }

        /// <summary>
        /// Per-feature mean and population standard deviation over every step of the sequences at
        /// <paramref name="indices"/> (Welford's algorithm in double precision).
        /// </summary>
        public (double[] Mean, double[] Std) FeatureMoments(IEnumerable<int> indices)
        {
            int f = FeaturesPerStep;
            var mean = new double[f];
            var m2 = new double[f];
            long n = 0;
            foreach (int s in indices)
            {
                ReadOnlySpan<float> values = Get(s);
                for (int i = 0; i < values.Length; i += f)
                {
                    n++;
                    for (int j = 0; j < f; j++)
                    {
                        double delta = values[i + j] - mean[j];
                        mean[j] += delta / n;
                        m2[j] += delta * (values[i + j] - mean[j]);
                    }
                }
            }
            var std = new double[f];
            for (int j = 0; j < f; j++)
                std[j] = n > 0 ? Math.Sqrt(m2[j] / n) : 0;
            return (mean, std);
        }

        /// <summary>
        /// Tensors for the sequences at <paramref name="indices"/>[start..start+count): inputs zero-padded to
        /// the longest, and the matching <paramref name="future"/> steps when given.
        /// </summary>
        public SequenceBatch CreateBatch(IReadOnlyList<int> indices, int start, int count, SequenceSet future = null)
        {
            int f = FeaturesPerStep;
            var lengths = new long[count];
            int max = 0;
            for (int b = 0; b < count; b++)
            {
                int length = _lengths[indices[start + b]];
                lengths[b] = length;
                max = Math.Max(max, length);
            }
            var buffer = new float[count * max * f];
            for (int b = 0; b < count; b++)
                Get(indices[start + b]).CopyTo(new Span<float>(buffer, b * max * f, (int)lengths[b] * f));
            Tensor inputs = tensor(buffer, new long[] { count, max, f });

            Tensor futureTensor = null;
            if (future is not null)
            {
                int p = future.Length(indices[start]);
                var futureBuffer = new float[count * p * f];
                for (int b = 0; b < count; b++)
                    future.Get(indices[start + b]).CopyTo(new Span<float>(futureBuffer, b * p * f, p * f));
                futureTensor = tensor(futureBuffer, new long[] { count, p, f });
            }
            return new SequenceBatch(inputs, lengths, futureTensor);
        }
    }
}
