using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// The lazy view every stage of this library returns from <c>Transform</c>: the source's columns plus the added
    /// ones, scored in batches as cursors move. A cursor that needs an added column opens a second, look-ahead cursor
    /// on the source that reads only the input column; the stage's <see cref="ILookAheadBatch"/> scores the next batch
    /// from it in one forward pass, and the cursor serves that batch row by row while the first cursor supplies the
    /// pass-through columns. A cursor that needs no added column runs no network. Memory is one batch, whatever the
    /// row count. Batches follow the source order, so the view cannot shuffle and makes one cursor per cursor set.
    /// </summary>
    internal sealed class LookAheadDataView : IDataView
    {
        private readonly IHost _host;
        private readonly IDataView _source;
        private readonly int _inputIndex;
        private readonly ColumnBindings _columns;
        private readonly Func<bool[], ILookAheadBatch> _createBatch;

        /// <param name="host">The stage's host, for checks and cancellation.</param>
        /// <param name="source">The view to transform; it must be re-readable in the same order.</param>
        /// <param name="inputIndex">The index of the input column in <paramref name="source"/>'s schema.</param>
        /// <param name="added">The added columns.</param>
        /// <param name="createBatch">Makes the per-cursor scorer, told which added columns are active.</param>
        public LookAheadDataView(IHost host, IDataView source, int inputIndex, DataViewSchema.DetachedColumn[] added,
            Func<bool[], ILookAheadBatch> createBatch)
        {
            _host = host;
            _source = source;
            _inputIndex = inputIndex;
            _columns = new ColumnBindings(source.Schema, added);
            _createBatch = createBatch;
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

            var activeAdded = _columns.AddedColumnIndices.Select(i => needed[i]).ToArray();
            bool[] passThrough = _columns.GetActiveInput(c => needed[c]);
            var main = _source.GetRowCursor(_source.Schema.Where(c => passThrough[c.Index]));
            if (!activeAdded.Any(a => a))
                return new Cursor(this, main, null, null, needed);
            var lookAhead = _source.GetRowCursor(new[] { _source.Schema[_inputIndex] });
            return new Cursor(this, main, lookAhead, _createBatch(activeAdded), needed);
        }

        /// <summary>One cursor: batches follow the source order.</summary>
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null)
            => new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly LookAheadDataView _parent;
            private readonly DataViewRowCursor _main;
            private readonly DataViewRowCursor _lookAhead;
            private readonly ILookAheadBatch _batch;
            private readonly bool[] _active;
            private readonly Func<int> _index;
            private int _rowsInBatch;
            private int _indexInBatch;
            private bool _disposed;

            public Cursor(LookAheadDataView parent, DataViewRowCursor main, DataViewRowCursor lookAhead, ILookAheadBatch batch, bool[] active)
            {
                _parent = parent;
                _main = main;
                _lookAhead = lookAhead;
                _batch = batch;
                _active = active;
                _index = () => _indexInBatch;
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
                if (_batch is not null && ++_indexInBatch >= _rowsInBatch)
                {
                    _parent._host.CheckAlive();
                    _rowsInBatch = _batch.ScoreNext(_lookAhead);
                    if (_rowsInBatch == 0)
                        throw _parent._host.Except("The source view returned fewer rows on a second cursor than on the first: it must be re-readable in the same order.");
                    _indexInBatch = 0;
                }
                return true;
            }

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                _parent._host.Check(IsColumnActive(column), "The column is not active in this cursor.");
                int index = _parent._columns.MapColumnIndex(out bool isSource, column.Index);
                if (isSource)
                    return _main.GetGetter<TValue>(_main.Schema[index]);
                if (_batch.MakeGetter(index, _index) is not ValueGetter<TValue> getter)
                    throw _parent._host.Except($"Column '{column.Name}' is of type {column.Type}, not {typeof(TValue).Name}.");
                return getter;
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

    /// <summary>
    /// What a <see cref="LookAheadDataView"/> cursor asks of the stage it serves: score the next batch of rows read from
    /// the look-ahead cursor, and read an added column of a row of that batch. One instance per cursor, so it may keep
    /// state across batches (the streaming detector's sliding window).
    /// </summary>
    internal interface ILookAheadBatch
    {
        /// <summary>
        /// Reads the next rows from <paramref name="lookAhead"/> (at most the stage's batch size; its getters are bound by
        /// the stage on first use), scores them in one go and returns how many rows it read: 0 only when the
        /// look-ahead cursor has no row left.
        /// </summary>
        int ScoreNext(DataViewRowCursor lookAhead);

        /// <summary>A getter of added column <paramref name="column"/> for the row at <paramref name="index"/>() in the current batch.</summary>
        Delegate MakeGetter(int column, Func<int> index);
    }
}
