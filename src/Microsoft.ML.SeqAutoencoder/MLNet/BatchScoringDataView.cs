using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Scoring;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// The lazy view a sequence transformer returns from <c>Transform</c>: the source's columns plus the
    /// added ones, scored in batches as cursors move. Nothing is materialized: a cursor that needs an added
    /// column opens a second, look-ahead cursor on the source that reads only the input column, scores the
    /// next batch in one forward pass and serves it row by row while the first cursor supplies the other
    /// columns. A cursor that needs no added column runs no network. Memory is one batch, whatever the row count.
    /// </summary>
    internal sealed class BatchScoringDataView : IDataView
    {
        private readonly IHost _host;
        private readonly IDataView _source;
        private readonly SequenceOutputBinding _binding;
        private readonly ColumnBindings _columns;
        private readonly int _batchSize;

        public BatchScoringDataView(IHost host, IDataView source, SequenceOutputBinding binding, int batchSize)
        {
            _host = host;
            _source = source;
            _binding = binding;
            _columns = new ColumnBindings(source.Schema, binding.Columns);
            _batchSize = batchSize;
        }

        /// <summary>Batches need the source order, so this view cannot shuffle.</summary>
        public bool CanShuffle => false;

        public DataViewSchema Schema => _columns.Schema;

        public long? GetRowCount() => _source.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null)
        {
            _host.CheckValue(columnsNeeded, nameof(columnsNeeded));
            var needed = new bool[Schema.Count];
            foreach (var column in columnsNeeded)
                needed[column.Index] = true;

            var activeOutputs = new bool[_binding.Columns.Length];
            for (int i = 0; i < activeOutputs.Length; i++)
                activeOutputs[i] = needed[_columns.AddedColumnIndices[i]];
            bool[] passThrough = _columns.GetActiveInput(c => needed[c]);
            var main = _source.GetRowCursor(_source.Schema.Where(c => passThrough[c.Index]));
            DataViewRowCursor lookAhead = activeOutputs.Any(a => a)
                ? _source.GetRowCursor(new[] { _source.Schema[_binding.InputIndex] })
                : null;
            return new Cursor(this, main, lookAhead, needed, activeOutputs);
        }

        /// <summary>One cursor: batches follow the source order.</summary>
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null)
            => new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly BatchScoringDataView _parent;
            private readonly DataViewRowCursor _main;
            private readonly DataViewRowCursor _lookAhead;
            private readonly bool[] _active;
            private readonly bool[] _activeOutputs;
            private readonly Delegate[] _getters;
            private readonly ValueGetter<VBuffer<float>> _inputGetter;
            private readonly List<float[]> _rows = new List<float[]>();
            private VBuffer<float> _buffer;
            private ScoredSequence[] _batch;
            private int _indexInBatch;
            private bool _disposed;

            public Cursor(BatchScoringDataView parent, DataViewRowCursor main, DataViewRowCursor lookAhead, bool[] active, bool[] activeOutputs)
            {
                _parent = parent;
                _main = main;
                _lookAhead = lookAhead;
                _active = active;
                _activeOutputs = activeOutputs;
                _getters = new Delegate[activeOutputs.Length];
                if (lookAhead is not null)
                {
                    _inputGetter = lookAhead.GetGetter<VBuffer<float>>(lookAhead.Schema[parent._binding.InputIndex]);
                    for (int i = 0; i < activeOutputs.Length; i++)
                    {
                        if (activeOutputs[i])
                            _getters[i] = parent._binding.MakeGetter(i, Current);
                    }
                }
            }

            public override DataViewSchema Schema => _parent.Schema;

            public override long Position => _main.Position;

            public override long Batch => _main.Batch;

            public override ValueGetter<DataViewRowId> GetIdGetter() => _main.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

            public override bool MoveNext()
            {
                if (!_main.MoveNext())
                    return false;
                if (_lookAhead is not null && (_batch is null || ++_indexInBatch == _batch.Length))
                    ScoreNextBatch();
                return true;
            }

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                _parent._host.Check(IsColumnActive(column), "The column is not active in this cursor.");
                int index = _parent._columns.MapColumnIndex(out bool isSource, column.Index);
                if (isSource)
                    return _main.GetGetter<TValue>(_main.Schema[index]);
                if (_getters[index] is not ValueGetter<TValue> getter)
                    throw _parent._host.Except($"Column '{column.Name}' is of type {column.Type}, not {typeof(TValue).Name}.");
                return getter;
            }

            private ScoredSequence Current() => _batch[_indexInBatch];

            private void ScoreNextBatch()
            {
                var binding = _parent._binding;
                _rows.Clear();
                while (_rows.Count < _parent._batchSize && _lookAhead.MoveNext())
                    _rows.Add(binding.Input.Read(_parent._host, _inputGetter, ref _buffer, _lookAhead.Position));
                if (_rows.Count == 0)
                    throw _parent._host.Except("The source view returned fewer rows on a second cursor than on the first: it must be re-readable in the same order.");
                _parent._host.CheckAlive();
                _batch = binding.Score(_rows, _activeOutputs);
                _indexInBatch = 0;
            }

            protected override void Dispose(bool disposing)
            {
                if (_disposed)
                    return;
                if (disposing)
                {
                    _main.Dispose();
                    _lookAhead?.Dispose();
                }
                _disposed = true;
                base.Dispose(disposing);
            }
        }
    }
}
