using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// The cursor of the library's ML.NET scorers (the anomaly trainer's and the classifier's): input columns come from a
    /// cursor on the source; the scorer's added columns (Score, PredictedLabel) are computed by the scorer's own getters
    /// over a <see cref="Row"/> whose Score is scored a batch of rows at a time, from a second cursor on the source that
    /// reads the feature column ahead, in step with the first.
    /// </summary>
    internal sealed class BatchedScorerCursor : DataViewRowCursor
    {
        private readonly IExceptionContext _ectx;
        private readonly DataViewRowCursor _input;
        private readonly Row _output;
        private readonly bool[] _active;
        private readonly Delegate[] _getters;
        private readonly MapColumn _map;

        /// <summary>Where an output column comes from: a source column (its index) or an added one (its getter's index).</summary>
        public delegate int MapColumn(out bool isSource, int column);

        public BatchedScorerCursor(IExceptionContext ectx, DataViewSchema schema, DataViewRowCursor input, Row output, bool[] active,
            Delegate[] getters, MapColumn map)
        {
            _ectx = ectx;
            Schema = schema;
            _input = input;
            _output = output;
            _active = active;
            _getters = getters;
            _map = map;
        }

        public override DataViewSchema Schema { get; }

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override bool MoveNext() => _input.MoveNext();

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            _ectx.Check(IsColumnActive(column), $"Column '{column.Name}' is not active in this cursor.");
            int index = _map(out bool isSource, column.Index);
            if (isSource)
                return _input.GetGetter<TValue>(_input.Schema[index]);
            return _getters[index] as ValueGetter<TValue>
                ?? throw _ectx.Except($"Column '{column.Name}' is not a {typeof(TValue).Name}.");
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _output.Dispose();
                _input.Dispose();
            }
            base.Dispose(disposing);
        }

        // The scorers add one network output column, Score (PredictedLabel is derived from it).
        private static readonly bool[] ScoreColumns = { true };

        /// <summary>A batch's Score values, one array per row, as the cache keeps them.</summary>
        private sealed class Scores : ScoredBatch
        {
            public Scores(float[][] rows) => Rows = rows;

            public float[][] Rows { get; }

            public override int Count => Rows.Length;

            public override long Bytes => 24 + Rows.Sum(r => 32L + 4L * r.Length);
        }

        /// <summary>
        /// The scorer's mapper output for one cursor: one Score column (a Single, or a vector of Single), read for the
        /// cursor's current row from batches of <c>batchSize</c> rows scored by <c>score</c>.
        /// </summary>
        internal sealed class Row : DataViewRow
        {
            private readonly IExceptionContext _ectx;
            private readonly DataViewRowCursor _input;
            private readonly DataViewRowCursor _ahead;
            private readonly ValueGetter<VBuffer<float>> _features;
            private readonly SequenceColumn _column;
            private readonly Func<SequenceSet> _newSet;
            private readonly Func<SequenceSet, float[][]> _score;
            private readonly int _batchSize;
            private readonly OutputCache _cache;
            private VBuffer<float> _buffer;
            private int _batchNumber = -1;
            private int _rowsToSkip;
            private float[] _scratch;
            private float[][] _scores = Array.Empty<float[]>();
            private long _first;

            /// <param name="ectx">For errors.</param>
            /// <param name="schema">The mapper's output schema (its Score column).</param>
            /// <param name="input">The cursor whose position is served.</param>
            /// <param name="ahead">A fresh cursor on the same source, reading <paramref name="column"/>; this row owns it.</param>
            /// <param name="column">The feature column, checked row by row as it is read.</param>
            /// <param name="newSet">An empty set for a batch.</param>
            /// <param name="score">The Score values of every row of a batch.</param>
            /// <param name="batchSize">Rows per batch.</param>
            /// <param name="cache">The scorer view's kept batches: served when kept, offered when scored.</param>
            public Row(IExceptionContext ectx, DataViewSchema schema, DataViewRowCursor input, DataViewRowCursor ahead, SequenceColumn column,
                Func<SequenceSet> newSet, Func<SequenceSet, float[][]> score, int batchSize, OutputCache cache)
            {
                _cache = cache;
                _ectx = ectx;
                Schema = schema;
                _input = input;
                _ahead = ahead;
                _features = ahead.GetGetter<VBuffer<float>>(ahead.Schema[column.Name]);
                _column = column;
                _newSet = newSet;
                _score = score;
                _batchSize = batchSize;
            }

            public override DataViewSchema Schema { get; }

            public override long Position => _input.Position;

            public override long Batch => _input.Batch;

            public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

            public override bool IsColumnActive(DataViewSchema.Column column) => true;

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                Delegate getter = column.Type is VectorDataViewType
                    ? (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                    {
                        float[] scores = ScoresAt(_input.Position);
                        var editor = VBufferEditor.Create(ref value, scores.Length);
                        scores.AsSpan().CopyTo(editor.Values);
                        value = editor.Commit();
                    })
                    : (ValueGetter<float>)((ref float value) => value = ScoresAt(_input.Position)[0]);
                return getter as ValueGetter<TValue> ?? throw _ectx.Except($"Column '{column.Name}' is a {column.Type}, not a {typeof(TValue).Name}.");
            }

            private float[] ScoresAt(long position)
            {
                _ectx.Check(position >= _first, "Rows are scored in order.");
                while (position >= _first + _scores.Length)
                {
                    _first += _scores.Length;
                    _scores = NextBatch();
                    _ectx.Check(_scores.Length > 0, "The source has fewer rows than its first cursor.");
                }
                return _scores[position - _first];
            }

            /// <summary>The next batch: kept by an earlier cursor of the view, or scored now (one cursor at a time) and offered.</summary>
            private float[][] NextBatch()
            {
                var batch = (Scores)_cache.Serve(++_batchNumber, ScoreColumns, () =>
                {
                    for (; _rowsToSkip > 0 && _ahead.MoveNext(); _rowsToSkip--)
                    {
                    }
                    _rowsToSkip = 0;
                    return new Scores(ScoreAhead());
                }, out bool kept);
                // A kept batch leaves the look-ahead cursor where it is; it catches up if a later batch must be scored.
                if (kept)
                    _rowsToSkip += batch.Count;
                return batch.Rows;
            }

            private float[][] ScoreAhead()
            {
                SequenceSet rows = _newSet();
                while (rows.Count < _batchSize && _ahead.MoveNext())
                {
                    _features(ref _buffer);
                    rows.Add(_column.Read(_ectx, in _buffer, _ahead.Position, ref _scratch));
                }
                return rows.Count == 0 ? Array.Empty<float[]>() : _score(rows);
            }

            protected override void Dispose(bool disposing)
            {
                if (disposing)
                    _ahead.Dispose();
                base.Dispose(disposing);
            }
        }
    }
}
