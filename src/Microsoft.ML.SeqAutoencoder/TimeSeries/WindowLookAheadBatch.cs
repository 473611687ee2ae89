using System;
using System.Collections.Generic;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.TimeSeries
{
    /// <summary>
    /// The streaming detector's <see cref="ILookAheadBatch"/>: pushes the next batch of time steps through a
    /// <see cref="SlidingWindow"/> and scores every window that ends in the batch in one forward pass. The window carries
    /// over from batch to batch, so each row's score depends only on the rows up to it; rows before the first full
    /// window get <see cref="WindowScorer.WarmUp"/>.
    /// </summary>
    internal sealed class WindowLookAheadBatch : ILookAheadBatch
    {
        private readonly IHost _host;
        private readonly StepColumn _column;
        private readonly int _inputIndex;
        private readonly WindowScorer _scorer;
        private readonly int _batchSize;
        private readonly SlidingWindow _window;
        private readonly float[] _step;
        private readonly float[] _windowValues;
        private StepReader _read;

        public WindowLookAheadBatch(IHost host, StepColumn column, int inputIndex, WindowScorer scorer, int batchSize)
        {
            _host = host;
            _column = column;
            _inputIndex = inputIndex;
            _scorer = scorer;
            _batchSize = batchSize;
            _window = new SlidingWindow(scorer.SpanSize, scorer.FeaturesPerStep);
            _step = new float[scorer.FeaturesPerStep];
            _windowValues = new float[scorer.SpanSize * scorer.FeaturesPerStep];
        }

        public ScoredBatch ScoreNext(DataViewRowCursor lookAhead)
        {
            _read ??= _column.CreateReader(_host, lookAhead, _inputIndex, () => lookAhead.Position);
            var windows = _scorer.NewSpans();
            var scoredRows = new List<int>();
            var batch = new List<DetectorOutput>();
            while (batch.Count < _batchSize && lookAhead.MoveNext())
            {
                if (!_read(_step))
                {
                    // Opted in (NonFiniteStepsAreAnomalies): the row alerts and the window goes on without its values.
                    _window.PushInvalid();
                    batch.Add(_scorer.NonFiniteStep);
                    continue;
                }
                _window.Push(_step);
                if (_window.IsFull)
                {
                    _window.CopyTo(_windowValues);
                    windows.Add(_windowValues);
                    scoredRows.Add(batch.Count);
                }
                batch.Add(WindowScorer.WarmUp);
            }
            DetectorOutput[] scored = _scorer.Score(windows);
            for (int i = 0; i < scored.Length; i++)
                batch[scoredRows[i]] = scored[i];
            return new Scored(batch.ToArray());
        }

        public void Skip(DataViewRowCursor lookAhead, int rows)
        {
            // Rows whose scores came from the cache still fill the window the next batch starts from.
            _read ??= _column.CreateReader(_host, lookAhead, _inputIndex, () => lookAhead.Position);
            for (int i = 0; i < rows && lookAhead.MoveNext(); i++)
            {
                if (_read(_step))
                    _window.Push(_step);
                else
                    _window.PushInvalid();
            }
        }

        /// <summary>The getter of the detector's output column, reading batches these scorers made.</summary>
        public static Delegate MakeGetter(Func<ScoredBatch> batch, Func<int> index)
        {
            ValueGetter<VBuffer<double>> getter = (ref VBuffer<double> value) =>
            {
                var editor = VBufferEditor.Create(ref value, 3);
                ((Scored)batch()).Rows[index()].CopyTo(editor.Values);
                value = editor.Commit();
            };
            return getter;
        }

        private sealed class Scored : ScoredBatch
        {
            public Scored(DetectorOutput[] rows) => Rows = rows;

            public DetectorOutput[] Rows { get; }

            public override int Count => Rows.Length;

            public override long Bytes => 24 + 24L * Rows.Length;
        }
    }
}
