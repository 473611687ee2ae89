using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder.TimeSeries
{
    /// <summary>
    /// The lazy view a streaming detector returns from <c>Transform</c>: the source's columns plus the
    /// detector output. A cursor that reads the output opens a second, look-ahead cursor on the source
    /// that reads only the input column; it pushes the next batch of time steps through a
    /// <see cref="SlidingWindow"/>, scores every window that ends in the batch in one forward pass and serves
    /// the results row by row while the first cursor supplies the other columns. The window carries over
    /// from batch to batch, so each row's score depends only on the rows up to it. A cursor that does not
    /// read the output runs no network. Memory is one batch of windows, whatever the row count.
    /// </summary>
    internal sealed class WindowScoringDataView : IDataView
    {
        private readonly IHost _host;
        private readonly IDataView _source;
        private readonly StepColumn _input;
        private readonly int _inputIndex;
        private readonly WindowScorer _scorer;
        private readonly ColumnBindings _columns;
        private readonly int _batchSize;

        public WindowScoringDataView(IHost host, IDataView source, StepColumn input, int inputIndex,
            DataViewSchema.DetachedColumn output, WindowScorer scorer, int batchSize)
        {
            _host = host;
            _source = source;
            _input = input;
            _inputIndex = inputIndex;
            _scorer = scorer;
            _columns = new ColumnBindings(source.Schema, new[] { output });
            _batchSize = batchSize;
        }

        /// <summary>Scores depend on the rows before them, so this view cannot shuffle.</summary>
        public bool CanShuffle => false;

        public DataViewSchema Schema => _columns.Schema;

        public long? GetRowCount() => _source.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null)
        {
            _host.CheckValue(columnsNeeded, nameof(columnsNeeded));
            var needed = new bool[Schema.Count];
            foreach (var column in columnsNeeded)
                needed[column.Index] = true;

            bool outputActive = needed[_columns.AddedColumnIndices[0]];
            bool[] passThrough = _columns.GetActiveInput(c => needed[c]);
            var main = _source.GetRowCursor(_source.Schema.Where(c => passThrough[c.Index]));
            DataViewRowCursor lookAhead = outputActive
                ? _source.GetRowCursor(new[] { _source.Schema[_inputIndex] })
                : null;
            return new Cursor(this, main, lookAhead, needed);
        }

        /// <summary>One cursor: every score depends on the rows before it.</summary>
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null)
            => new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly WindowScoringDataView _parent;
            private readonly DataViewRowCursor _main;
            private readonly DataViewRowCursor _lookAhead;
            private readonly bool[] _active;
            private readonly StepReader _read;
            private readonly SlidingWindow _window;
            private readonly float[] _step;
            private readonly List<float[]> _windows = new List<float[]>();
            private readonly List<float[]> _spare = new List<float[]>();
            private readonly List<int> _scoredRows = new List<int>();
            private readonly List<DetectorOutput> _batch = new List<DetectorOutput>();
            private int _indexInBatch;
            private bool _disposed;

            public Cursor(WindowScoringDataView parent, DataViewRowCursor main, DataViewRowCursor lookAhead, bool[] active)
            {
                _parent = parent;
                _main = main;
                _lookAhead = lookAhead;
                _active = active;
                if (lookAhead is not null)
                {
                    _read = parent._input.CreateReader(parent._host, lookAhead, parent._inputIndex, () => lookAhead.Position);
                    _window = new SlidingWindow(parent._scorer.WindowSize, parent._scorer.FeaturesPerStep);
                    _step = new float[parent._scorer.FeaturesPerStep];
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
                if (_lookAhead is not null && ++_indexInBatch >= _batch.Count)
                    ScoreNextBatch();
                return true;
            }

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                _parent._host.Check(IsColumnActive(column), "The column is not active in this cursor.");
                int index = _parent._columns.MapColumnIndex(out bool isSource, column.Index);
                if (isSource)
                    return _main.GetGetter<TValue>(_main.Schema[index]);
                ValueGetter<VBuffer<double>> getter = (ref VBuffer<double> value) =>
                {
                    _parent._host.Check(_indexInBatch < _batch.Count, "The cursor is not on a row.");
                    var editor = VBufferEditor.Create(ref value, 3);
                    _batch[_indexInBatch].CopyTo(editor.Values);
                    value = editor.Commit();
                };
                if (getter is not ValueGetter<TValue> typed)
                    throw _parent._host.Except($"Column '{column.Name}' is of type {column.Type}, not {typeof(TValue).Name}.");
                return typed;
            }

            private void ScoreNextBatch()
            {
                var host = _parent._host;
                var scorer = _parent._scorer;
                _spare.AddRange(_windows);
                _windows.Clear();
                _scoredRows.Clear();
                _batch.Clear();
                while (_batch.Count < _parent._batchSize && _lookAhead.MoveNext())
                {
                    _read(_step);
                    _window.Push(_step);
                    if (_window.IsFull)
                    {
                        float[] window = TakeBuffer(scorer.WindowSize * scorer.FeaturesPerStep);
                        _window.CopyTo(window);
                        _windows.Add(window);
                        _scoredRows.Add(_batch.Count);
                    }
                    _batch.Add(WindowScorer.WarmUp);
                }
                if (_batch.Count == 0)
                    throw host.Except("The source view returned fewer rows on a second cursor than on the first: it must be re-readable in the same order.");
                host.CheckAlive();
                DetectorOutput[] scored = scorer.Score(_windows);
                for (int i = 0; i < scored.Length; i++)
                    _batch[_scoredRows[i]] = scored[i];
                _indexInBatch = 0;
            }

            private float[] TakeBuffer(int length)
            {
                if (_spare.Count == 0)
                    return new float[length];
                float[] buffer = _spare[^1];
                _spare.RemoveAt(_spare.Count - 1);
                return buffer;
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
