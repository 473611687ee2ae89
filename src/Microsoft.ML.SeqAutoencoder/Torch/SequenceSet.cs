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
    /// <remarks>
    /// Memory model: values live in chunks of <see cref="DefaultChunkValues"/> floats (a row longer than that gets a
    /// chunk of its own); only the first chunk grows, by doubling, and later ones are allocated whole, so adding n values
    /// copies at most one chunk's worth, never O(n²), and no array approaches 2^31 elements. A row never straddles two chunks, so each is one span. A set may
    /// also hold views (<see cref="Views"/>): rows that are step ranges of another set's rows, sharing its chunks, as the
    /// overlapping windows of a time series do. Past <see cref="MaxValues"/> values or 2^31 − 1 rows,
    /// <see cref="Add"/> throws an <see cref="InvalidOperationException"/> saying what to do.
    /// </remarks>
    internal sealed class SequenceSet
    {
        /// <summary>The size of a full chunk: 4 Mi floats, 16 MiB.</summary>
        public const int DefaultChunkValues = 1 << 22;

        /// <summary>The most values a set holds by default: 2^36 floats, 256 GiB, beyond any one machine this library targets.</summary>
        public const long DefaultMaxValues = 1L << 36;

        private readonly List<float[]> _chunks = new List<float[]>();
        private readonly List<int> _chunkOf = new List<int>();
        private readonly List<int> _offsets = new List<int>();
        private readonly List<int> _lengths = new List<int>();
        private readonly int _chunkValues;
        private readonly bool _views;
        private int _lastUsed;

        /// <param name="featuresPerStep">F.</param>
        /// <param name="targetSteps">Steps at the end of every row that are its forecast target (0: none).</param>
        public SequenceSet(int featuresPerStep, int targetSteps = 0)
            : this(featuresPerStep, targetSteps, DefaultChunkValues, DefaultMaxValues)
        {
        }

        /// <summary>A set with its own chunk size and value limit (tests use small ones).</summary>
        internal SequenceSet(int featuresPerStep, int targetSteps, int chunkValues, long maxValues)
        {
            Contracts.Assert(featuresPerStep > 0 && targetSteps >= 0 && chunkValues > 0 && maxValues > 0);
            FeaturesPerStep = featuresPerStep;
            TargetSteps = targetSteps;
            _chunkValues = chunkValues;
            MaxValues = maxValues;
        }

        private SequenceSet(SequenceSet source, int targetSteps)
        {
            FeaturesPerStep = source.FeaturesPerStep;
            TargetSteps = targetSteps;
            _chunks = source._chunks;
            _chunkValues = source._chunkValues;
            MaxValues = source.MaxValues;
            _views = true;
        }

        /// <summary>F.</summary>
        public int FeaturesPerStep { get; }

        /// <summary>Steps at the end of every row that are its forecast target, not part of its input.</summary>
        public int TargetSteps { get; }

        /// <summary>Number of sequences.</summary>
        public int Count => _lengths.Count;

        /// <summary>True when all input sequences have the same number of steps.</summary>
        public bool IsUniform { get; private set; } = true;

        /// <summary>The most values (input and target) this set may hold; <see cref="Add"/> refuses more.</summary>
        public long MaxValues { get; }

        /// <summary>Values (input and target) held, counting each view's values once per view.</summary>
        public long TotalValues { get; private set; }

        /// <summary>Floats allocated for the values (chunk capacity), for memory accounting.</summary>
        internal long AllocatedValues
        {
            get
            {
                long total = 0;
                foreach (float[] chunk in _chunks)
                    total += chunk.Length;
                return total;
            }
        }

        /// <summary>Number of chunks (tests check the growth).</summary>
        internal int ChunkCount => _chunks.Count;

        /// <summary>Number of input steps of sequence <paramref name="index"/>.</summary>
        public int Length(int index) => _lengths[index];

        /// <summary>The input values of sequence <paramref name="index"/>, Length(index) · F of them.</summary>
        public ReadOnlySpan<float> Get(int index) => new ReadOnlySpan<float>(_chunks[_chunkOf[index]], _offsets[index], _lengths[index] * FeaturesPerStep);

        /// <summary>The <see cref="TargetSteps"/> · F values that follow the input of sequence <paramref name="index"/>.</summary>
        public ReadOnlySpan<float> GetTarget(int index)
            => new ReadOnlySpan<float>(_chunks[_chunkOf[index]], _offsets[index] + _lengths[index] * FeaturesPerStep, TargetSteps * FeaturesPerStep);

        /// <summary>Appends one row: its input steps, then its <see cref="TargetSteps"/> target steps.</summary>
        /// <exception cref="InvalidOperationException">The set would pass <see cref="MaxValues"/> values or 2^31 − 1 rows.</exception>
        public void Add(ReadOnlySpan<float> row)
        {
            int f = FeaturesPerStep;
            Contracts.Assert(!_views, "A set of views does not take rows.");
            Contracts.Assert(row.Length % f == 0 && row.Length / f > TargetSteps, "Rows are whole steps, with at least one input step.");
            long total = checked(TotalValues + row.Length);
            if (total > MaxValues || Count == int.MaxValue)
            {
                throw Contracts.Except($"The sequences read so far ({Count} rows, {TotalValues} values) reach the limit of {MaxValues} values " +
                    $"({MaxValues * sizeof(float) >> 30} GiB) one training holds in memory. Train on a sample of the rows (e.g. " +
                    "mlContext.Data.TakeRows or FilterByColumn on a random column), then score every row with the fitted transformer: scoring streams.");
            }
            Span<float> stored = Reserve(row.Length, out int chunk, out int offset);
            row.CopyTo(stored);
            Contracts.Assert(IsFinite(stored), "Rows are finite.");
            AddRow(chunk, offset, row.Length / f - TargetSteps);
        }

        private void AddRow(int chunk, int offset, int steps)
        {
            if (Count > 0 && steps != _lengths[0])
                IsUniform = false;
            _chunkOf.Add(chunk);
            _offsets.Add(offset);
            _lengths.Add(steps);
            TotalValues += (long)(steps + TargetSteps) * FeaturesPerStep;
        }

        // Room for length values in the last chunk, else a new chunk. The first chunk starts small and doubles up to the
        // chunk size (small sets stay small); once it is full the set is large, and later chunks are allocated whole.
        private Span<float> Reserve(int length, out int chunk, out int offset)
        {
            if (_chunks.Count == 0 || _lastUsed + length > _chunkValues && _lastUsed > 0)
            {
                int size = _chunks.Count == 0 ? Math.Min(Math.Max(length, 1024), Math.Max(length, _chunkValues)) : Math.Max(length, _chunkValues);
                _chunks.Add(new float[size]);
                _lastUsed = 0;
            }
            float[] last = _chunks[^1];
            if (_lastUsed + length > last.Length)
            {
                Array.Resize(ref last, Math.Max(_lastUsed + length, (int)Math.Min((long)last.Length * 2, Math.Max(_chunkValues, _lastUsed + length))));
                _chunks[^1] = last;
            }
            chunk = _chunks.Count - 1;
            offset = _lastUsed;
            _lastUsed += length;
            return new Span<float>(last, offset, length);
        }

        /// <summary>
        /// A set whose rows are step ranges of this set's rows, without copying a value: view k is
        /// <paramref name="steps"/> steps of row <paramref name="rowOf"/>(k) from step <paramref name="firstStepOf"/>(k),
        /// its last <paramref name="targetSteps"/> steps the view's forecast target. The views share this set's chunks: add
        /// no row to this set while they are used.
        /// </summary>
        public SequenceSet Views(int count, Func<int, int> rowOf, Func<int, int> firstStepOf, int steps, int targetSteps)
        {
            Contracts.Assert(count >= 0 && steps > targetSteps && targetSteps >= 0);
            var views = new SequenceSet(this, targetSteps);
            int f = FeaturesPerStep;
            for (int k = 0; k < count; k++)
            {
                int row = rowOf(k), first = firstStepOf(k);
                Contracts.Assert(first >= 0 && first + steps <= _lengths[row] + TargetSteps, "A view lies inside its row.");
                views.AddRow(_chunkOf[row], _offsets[row] + first * f, steps - targetSteps);
            }
            return views;
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
