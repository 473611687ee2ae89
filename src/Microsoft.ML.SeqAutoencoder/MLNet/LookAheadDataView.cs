using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// The lazy view every stage of this library returns from <c>Transform</c>: the source's columns plus the added
    /// ones, scored in batches as cursors move. A cursor that needs an added column reads the input column through a
    /// second, look-ahead cursor on the source; the stage's <see cref="ILookAheadBatch"/> scores the next batch from it
    /// in one forward pass, and the cursor serves that batch row by row while the first cursor supplies the
    /// pass-through columns. A cursor that needs no added column runs no network.
    /// </summary>
    /// <remarks>
    /// Scored batches are kept (<see cref="OutputCache"/>) within a memory budget, so later cursors over the same view,
    /// such as the passes of a multi-pass trainer, read them instead of running the network again: a single pass keeps
    /// at most the first pass's budget, a view read again keeps up to the whole budget, and past it every cursor
    /// streams, so memory stays bounded whatever the row count. Batches follow the source order, so the view cannot shuffle and makes one
    /// cursor per cursor set.
    /// The view is an ML.NET transform over its source so that <c>mlContext.Model.ConvertToOnnx</c> visits it instead of
    /// silently turning its columns into graph inputs: the stage writes its graph, or the export fails naming the stage
    /// and the columns. It is never saved on its own: its stage saves itself.
    /// </remarks>
    internal sealed class LookAheadDataView : ITransformCanSaveOnnx
    {
        private readonly IHost _host;
        private readonly IDataView _source;
        private readonly int _inputIndex;
        private readonly ColumnBindings _columns;
        private readonly Func<bool[], ILookAheadBatch> _createBatch;
        private readonly Func<int, Func<ScoredBatch>, Func<int>, Delegate> _makeGetter;
        private readonly OutputCache _cache;
        private readonly string _stage;
        private readonly Func<OnnxContext, bool> _saveAsOnnx;

        /// <param name="host">The stage's host, for checks and cancellation.</param>
        /// <param name="source">The view to transform; it must be re-readable in the same order.</param>
        /// <param name="inputIndex">The index of the input column in <paramref name="source"/>'s schema.</param>
        /// <param name="added">The added columns.</param>
        /// <param name="createBatch">Makes the per-cursor scorer, told which added columns are active.</param>
        /// <param name="makeGetter">A getter of added column i reading the row at index() of the batch batch() returns.</param>
        /// <param name="cacheBudget">How much memory the kept batches may take.</param>
        /// <param name="stage">The stage's name, for messages.</param>
        /// <param name="saveAsOnnx">Writes the stage into an ONNX export and returns true, or returns false when it cannot
        /// (then the export fails naming the stage); null for a stage without ONNX export.</param>
        public LookAheadDataView(IHost host, IDataView source, int inputIndex, DataViewSchema.DetachedColumn[] added,
            Func<bool[], ILookAheadBatch> createBatch, Func<int, Func<ScoredBatch>, Func<int>, Delegate> makeGetter, OutputCacheBudget cacheBudget,
            string stage, Func<OnnxContext, bool> saveAsOnnx = null)
        {
            _stage = stage;
            _saveAsOnnx = saveAsOnnx;
            _host = host;
            _source = source;
            _inputIndex = inputIndex;
            _columns = new ColumnBindings(source.Schema, added);
            _createBatch = createBatch;
            _makeGetter = makeGetter;
            _cache = new OutputCache(cacheBudget);
        }

        IDataView IDataTransform.Source => _source;

        void ICanSaveModel.Save(ModelSaveContext ctx)
            => throw _host.ExceptNotSupp($"A view of {_stage} is not saved on its own; save the transformer with mlContext.Model.Save.");

        // Visited by the ONNX exporter so that it cannot skip the stage (which would make the added columns graph inputs):
        // the stage writes itself, or the export fails naming it.
        bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

        void ISaveAsOnnx.SaveAsOnnx(OnnxContext ctx)
        {
            if (_saveAsOnnx?.Invoke(ctx) == true)
                return;
            string columns = string.Join(", ", _columns.AddedColumnIndices.Select(i => $"'{Schema[i].Name}'"));
            throw OnnxRefusal.For(_stage, $"column(s) {columns}");
        }

        /// <summary>The kept batches (for tests and benchmarks).</summary>
        internal OutputCache Cache => _cache;

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
            return new Cursor(this, main, activeAdded.Any(a => a) ? activeAdded : null, needed);
        }

        /// <summary>One cursor: batches follow the source order.</summary>
        public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null)
            => new[] { GetRowCursor(columnsNeeded, rand) };

        private sealed class Cursor : DataViewRowCursor
        {
            private readonly LookAheadDataView _parent;
            private readonly DataViewRowCursor _main;
            private readonly bool[] _activeAdded;
            private readonly bool[] _active;
            private readonly Func<int> _index;
            private readonly Func<ScoredBatch> _current;
            private DataViewRowCursor _lookAhead;
            private ILookAheadBatch _batch;
            private ScoredBatch _scored;
            private int _batchNumber = -1;
            private int _indexInBatch;
            private int _rowsToSkip;
            private bool _disposed;

            public Cursor(LookAheadDataView parent, DataViewRowCursor main, bool[] activeAdded, bool[] active)
            {
                _parent = parent;
                _main = main;
                _activeAdded = activeAdded;
                _active = active;
                _index = () => _indexInBatch;
                _current = () => _scored;
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
                if (_activeAdded is not null && (_scored is null || ++_indexInBatch >= _scored.Count))
                    NextBatch();
                return true;
            }

            /// <summary>Serves the next batch from the cache, or scores it (and offers it to the cache).</summary>
            private void NextBatch()
            {
                _indexInBatch = 0;
                _scored = _parent._cache.Serve(++_batchNumber, _activeAdded, Score, out bool kept);
                // A kept batch leaves the look-ahead cursor where it is; it catches up if a later batch must be scored.
                if (kept)
                    _rowsToSkip += _scored.Count;
            }

            private ScoredBatch Score()
            {
                var parent = _parent;
                parent._host.CheckAlive();
                if (_lookAhead is null)
                {
                    _lookAhead = parent._source.GetRowCursor(new[] { parent._source.Schema[parent._inputIndex] });
                    _batch = parent._createBatch(_activeAdded);
                }
                if (_rowsToSkip > 0)
                {
                    _batch.Skip(_lookAhead, _rowsToSkip);
                    _rowsToSkip = 0;
                }
                ScoredBatch scored = _batch.ScoreNext(_lookAhead);
                if (scored.Count == 0)
                    throw parent._host.Except("The source view returned fewer rows on a second cursor than on the first: it must be re-readable in the same order.");
                return scored;
            }

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                _parent._host.Check(IsColumnActive(column), "The column is not active in this cursor.");
                int index = _parent._columns.MapColumnIndex(out bool isSource, column.Index);
                if (isSource)
                    return _main.GetGetter<TValue>(_main.Schema[index]);
                if (_parent._makeGetter(index, _current, _index) is not ValueGetter<TValue> getter)
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
    /// What a <see cref="LookAheadDataView"/> cursor asks of the stage it serves. One instance per cursor, so it may keep
    /// state across batches (the streaming detector's sliding window).
    /// </summary>
    internal interface ILookAheadBatch
    {
        /// <summary>
        /// Reads the next rows from <paramref name="lookAhead"/> (at most the stage's batch size) and scores them in one
        /// go. The batch has no row only when the look-ahead cursor had none left.
        /// </summary>
        ScoredBatch ScoreNext(DataViewRowCursor lookAhead);

        /// <summary>
        /// Moves <paramref name="lookAhead"/> past <paramref name="rows"/> rows whose batches came from the cache, keeping
        /// whatever state the next batch needs (a sliding window reads and pushes them).
        /// </summary>
        void Skip(DataViewRowCursor lookAhead, int rows);
    }

    /// <summary>The outputs of one scored batch of rows. Never changed once made, so cursors can share it through the cache.</summary>
    internal abstract class ScoredBatch
    {
        /// <summary>Number of rows.</summary>
        public abstract int Count { get; }

        /// <summary>About how much memory the batch holds, for the cache budget.</summary>
        public abstract long Bytes { get; }
    }
}
