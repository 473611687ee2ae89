using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// The <see cref="ILookAheadBatch"/> of the row-to-row sequence stages (encode, decode, step errors): reads up to a
    /// batch of rows of the input column, checks them, and scores them in one call of the stage's binding.
    /// </summary>
    internal sealed class SequenceLookAheadBatch : ILookAheadBatch
    {
        private readonly IHost _host;
        private readonly SequenceBinding _binding;
        private readonly bool[] _active;
        private readonly int _batchSize;
        private ValueGetter<VBuffer<float>> _input;
        private VBuffer<float> _value;
        private float[] _scratch;

        public SequenceLookAheadBatch(IHost host, SequenceBinding binding, bool[] active, int batchSize)
        {
            _host = host;
            _binding = binding;
            _active = active;
            _batchSize = batchSize;
        }

        public ScoredBatch ScoreNext(DataViewRowCursor lookAhead)
        {
            _input ??= lookAhead.GetGetter<VBuffer<float>>(lookAhead.Schema[_binding.InputIndex]);
            SequenceSet rows = _binding.NewSet();
            while (rows.Count < _batchSize && lookAhead.MoveNext())
            {
                _input(ref _value);
                rows.Add(_binding.Input.Read(_host, in _value, lookAhead.Position, ref _scratch));
            }
            return new Scored(rows.Count > 0 ? _binding.Score(rows, _active) : Array.Empty<float[][]>());
        }

        public void Skip(DataViewRowCursor lookAhead, int rows)
        {
            for (int i = 0; i < rows; i++)
                lookAhead.MoveNext();
        }

        /// <summary>The getter of output <paramref name="column"/> of <paramref name="binding"/>, reading batches these scorers made.</summary>
        public static Delegate MakeGetter(SequenceBinding binding, int column, Func<ScoredBatch> batch, Func<int> index)
            => binding.MakeGetter(column, () => ((Scored)batch()).Rows[index()]);

        /// <summary>Rows scored by a binding: [row][output] (null when the output was not active).</summary>
        private sealed class Scored : ScoredBatch
        {
            private readonly long _bytes;

            public Scored(float[][][] rows)
            {
                Rows = rows;
                foreach (float[][] row in rows)
                {
                    _bytes += 24 + 8L * row.Length;
                    foreach (float[] values in row)
                        _bytes += values is null ? 0 : 24 + 4L * values.Length;
                }
            }

            public float[][][] Rows { get; }

            public override int Count => Rows.Length;

            public override long Bytes => _bytes;
        }
    }
}
