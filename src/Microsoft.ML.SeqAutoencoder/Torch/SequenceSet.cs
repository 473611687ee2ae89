using System;
using System.Collections.Generic;
using Microsoft.ML.Runtime;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// Sequences held in memory, step-major (step 0's F features, then step 1's, ...), lengths free. Each row added is
    /// an input sequence followed by <see cref="TargetSteps"/> steps that a prediction decoder forecasts from it: the
    /// one place where a row is split into its input and its forecast target. Rows come validated (whole steps,
    /// enough of them, finite: <c>MLNet/SequenceColumn</c> checks and names them), so this class only asserts.
    /// </summary>
    internal sealed class SequenceSet
    {
        private float[] _values = new float[1024];
        private int _used;
        private readonly List<int> _offsets = new List<int>();
        private readonly List<int> _lengths = new List<int>();

        /// <param name="featuresPerStep">F.</param>
        /// <param name="targetSteps">Steps at the end of every row that are its forecast target (0: none).</param>
        public SequenceSet(int featuresPerStep, int targetSteps = 0)
        {
            Contracts.Assert(featuresPerStep > 0 && targetSteps >= 0);
            FeaturesPerStep = featuresPerStep;
            TargetSteps = targetSteps;
        }

        /// <summary>F.</summary>
        public int FeaturesPerStep { get; }

        /// <summary>Steps at the end of every row that are its forecast target, not part of its input.</summary>
        public int TargetSteps { get; }

        /// <summary>Number of sequences.</summary>
        public int Count => _lengths.Count;

        /// <summary>True when all input sequences have the same number of steps.</summary>
        public bool IsUniform { get; private set; } = true;

        /// <summary>Number of input steps of sequence <paramref name="index"/>.</summary>
        public int Length(int index) => _lengths[index];

        /// <summary>The input values of sequence <paramref name="index"/>, Length(index) · F of them.</summary>
        public ReadOnlySpan<float> Get(int index) => new ReadOnlySpan<float>(_values, _offsets[index], _lengths[index] * FeaturesPerStep);

        /// <summary>The <see cref="TargetSteps"/> · F values that follow the input of sequence <paramref name="index"/>.</summary>
        public ReadOnlySpan<float> GetTarget(int index)
            => new ReadOnlySpan<float>(_values, _offsets[index] + _lengths[index] * FeaturesPerStep, TargetSteps * FeaturesPerStep);

        /// <summary>Appends one row: its input steps, then its <see cref="TargetSteps"/> target steps.</summary>
        public void Add(ReadOnlySpan<float> row)
        {
            int f = FeaturesPerStep;
            Contracts.Assert(row.Length % f == 0 && row.Length / f > TargetSteps, "Rows are whole steps, with at least one input step.");
            if (_used + row.Length > _values.Length)
                Array.Resize(ref _values, Math.Max(_values.Length * 2, _used + row.Length));
            Span<float> stored = new Span<float>(_values, _used, row.Length);
            row.CopyTo(stored);
            Contracts.Assert(IsFinite(stored), "Rows are finite.");
            int steps = row.Length / f - TargetSteps;
            if (Count > 0 && steps != _lengths[0])
                IsUniform = false;
            _offsets.Add(_used);
            _lengths.Add(steps);
            _used += row.Length;
        }

        /// <summary>A set of the given rows (input steps then <paramref name="targetSteps"/> target steps each).</summary>
        public static SequenceSet From(IEnumerable<float[]> rows, int featuresPerStep, int targetSteps = 0)
        {
            var set = new SequenceSet(featuresPerStep, targetSteps);
            foreach (var row in rows)
                set.Add(row);
            return set;
        }

        /// <summary>The row indices 0..Count-1.</summary>
        public int[] All()
        {
            var all = new int[Count];
            for (int i = 0; i < all.Length; i++)
                all[i] = i;
            return all;
        }

        /// <summary>
        /// Per-feature mean and population standard deviation over every input step of the sequences at
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
        /// Per-feature center and scale of the input steps of the sequences at <paramref name="indices"/>, as
        /// <paramref name="scaling"/> defines them (<see cref="FeatureScaling"/>). Robust scaling sorts at most about a
        /// million values per feature: past that, every k-th step is taken.
        /// </summary>
        public (double[] Center, double[] Scale) FeatureScale(IReadOnlyCollection<int> indices, FeatureScaling scaling)
        {
            if (scaling == FeatureScaling.Standard)
                return FeatureMoments(indices);
            int f = FeaturesPerStep;
            long steps = 0;
            foreach (int s in indices)
                steps += _lengths[s];
            const long MaxSamples = 1 << 20;
            long every = Math.Max(1, (steps + MaxSamples - 1) / MaxSamples);
            var samples = new List<float>[f];
            for (int j = 0; j < f; j++)
                samples[j] = new List<float>((int)Math.Min(steps / every + 1, MaxSamples + 1));
            long step = 0;
            foreach (int s in indices)
            {
                ReadOnlySpan<float> values = Get(s);
                for (int i = 0; i < values.Length; i += f, step++)
                {
                    if (step % every != 0)
                        continue;
                    for (int j = 0; j < f; j++)
                        samples[j].Add(values[i + j]);
                }
            }
            var center = new double[f];
            var scale = new double[f];
            for (int j = 0; j < f; j++)
            {
                float[] sorted = samples[j].ToArray();
                Array.Sort(sorted);
                center[j] = Quantile(sorted, 0.5);
                double spread = (Quantile(sorted, 0.75) - Quantile(sorted, 0.25)) / 1.349;
                scale[j] = spread > 1e-8 ? spread : sorted.Length > 0 ? sorted[^1] - sorted[0] : 0;
            }
            return (center, scale);
        }

        private static double Quantile(float[] sorted, double q)
        {
            if (sorted.Length == 0)
                return 0;
            double position = q * (sorted.Length - 1);
            int below = (int)Math.Floor(position);
            int above = Math.Min(below + 1, sorted.Length - 1);
            return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
        }

        /// <summary>
        /// Tensors for the sequences at <paramref name="indices"/>[start..start+count): inputs zero-padded to the longest,
        /// and their target steps as <see cref="SequenceBatch.Future"/> when the set has any.
        /// </summary>
        public SequenceBatch CreateBatch(IReadOnlyList<int> indices, int start, int count)
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

            Tensor future = null;
            if (TargetSteps > 0)
            {
                int p = TargetSteps;
                var futureBuffer = new float[count * p * f];
                for (int b = 0; b < count; b++)
                    GetTarget(indices[start + b]).CopyTo(new Span<float>(futureBuffer, b * p * f, p * f));
                future = tensor(futureBuffer, new long[] { count, p, f });
            }
            return new SequenceBatch(inputs, lengths, future);
        }

        private static bool IsFinite(ReadOnlySpan<float> values)
        {
            foreach (float v in values)
            {
                if (!float.IsFinite(v))
                    return false;
            }
            return true;
        }
    }
}
