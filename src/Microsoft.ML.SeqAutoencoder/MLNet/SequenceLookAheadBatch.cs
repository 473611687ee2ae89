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
        private float[][][] _scored;

        public SequenceLookAheadBatch(IHost host, SequenceBinding binding, bool[] active, int batchSize)
        {
            _host = host;
            _binding = binding;
            _active = active;
            _batchSize = batchSize;
        }

        public int ScoreNext(DataViewRowCursor lookAhead)
        {
            _input ??= lookAhead.GetGetter<VBuffer<float>>(lookAhead.Schema[_binding.InputIndex]);
            SequenceSet rows = _binding.NewSet();
            while (rows.Count < _batchSize && lookAhead.MoveNext())
            {
                _input(ref _value);
                rows.Add(_binding.Input.Read(_host, in _value, lookAhead.Position, ref _scratch));
            }
            _scored = rows.Count > 0 ? _binding.Score(rows, _active) : null;
            return rows.Count;
        }

        public Delegate MakeGetter(int column, Func<int> index) => _binding.MakeGetter(column, () => _scored[index()]);
    }
}
