using System;
using System.Collections.Generic;
using Microsoft.ML.SeqAutoencoder.Native;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// The scored batches of one transformed view, kept in order so that later cursors over the view read them instead of
    /// running the network again. The first pass keeps at most <see cref="OutputCacheBudget.FirstPassBytes"/>: a single
    /// lazy pass over data of any size costs no more. When that pass outgrows it, the cache stops growing and keeps what
    /// it has; a pass that starts after that shows the view is read again (a multi-pass trainer), and the cache then grows
    /// again up to <see cref="OutputCacheBudget.Bytes"/> (automatic: half the memory available at that moment). Past that,
    /// every kept batch is dropped for good and all cursors stream. The batches belong to the set of added columns the first
    /// scoring cursor read; a cursor that reads those or fewer is served from them, a cursor that reads others scores for
    /// itself. Safe for cursors on several threads.
    /// </summary>
    internal sealed class OutputCache
    {
        private readonly object _lock = new object();
        private readonly object _frontier = new object();
        private readonly OutputCacheBudget _budget;
        private readonly Func<long> _availableBytes;
        private List<ScoredBatch> _batches = new List<ScoredBatch>();
        private bool[] _columns;
        private long _bytes;
        private long _limit;
        private bool _stopped;
        private bool _widened;

        /// <param name="budget">How much the kept batches may take.</param>
        /// <param name="availableBytes">The memory available (for an automatic budget); <see cref="AvailableMemory.Bytes"/> when null.</param>
        public OutputCache(OutputCacheBudget budget, Func<long> availableBytes = null)
        {
            _budget = budget;
            _availableBytes = availableBytes ?? AvailableMemory.Bytes;
            _limit = budget.FirstPassBytes;
            if (budget.IsOff)
                _batches = null;
        }

        /// <summary>Number of batches kept.</summary>
        public int Count
        {
            get
            {
                lock (_lock)
                    return _batches?.Count ?? 0;
            }
        }

        /// <summary>Bytes kept.</summary>
        public long Bytes
        {
            get
            {
                lock (_lock)
                    return _batches is null ? 0 : _bytes;
            }
        }

        /// <summary>The most the kept batches may take now: the first pass's limit, or the whole budget once widened.</summary>
        public long Limit
        {
            get
            {
                lock (_lock)
                    return _batches is null ? 0 : _limit;
            }
        }

        /// <summary>Whether the whole budget was passed (or is 0) and the cache gave up.</summary>
        public bool GaveUp
        {
            get
            {
                lock (_lock)
                    return _batches is null;
            }
        }

        /// <summary>
        /// Batch <paramref name="number"/> for a cursor reading <paramref name="columns"/>: kept by an earlier cursor, or
        /// made by <paramref name="score"/> and offered. Batch 0 starts the cursor's pass (<see cref="StartPass"/>).
        /// Parallel cursors do not score the same batch side by side: the one at the frontier scores it under a lock and
        /// the others then find it kept. <paramref name="kept"/> says the batch came from the cache (the caller's
        /// look-ahead cursor then has its rows to skip before it scores again).
        /// </summary>
        public ScoredBatch Serve(int number, bool[] columns, Func<ScoredBatch> score, out bool kept)
        {
            if (number == 0)
                StartPass();
            kept = TryGet(number, columns, out ScoredBatch batch);
            if (kept)
                return batch;
            lock (ScoringLock(number))
            {
                kept = TryGet(number, columns, out batch);
                if (kept)
                    return batch;
                batch = score();
                if (batch.Count > 0)
                    Offer(number, columns, batch);
                return batch;
            }
        }

        /// <summary>
        /// Starts a cursor's pass. A pass that starts after an earlier one outgrew the first pass's limit lets the cache
        /// grow to the whole budget.
        /// </summary>
        public void StartPass()
        {
            lock (_lock)
            {
                if (_batches is null || !_stopped || _widened)
                    return;
                _widened = true;
                _stopped = false;
                _limit = _budget.Bytes == OutputCacheBudget.Automatic ? Math.Max(_bytes, _availableBytes() / 2) : _budget.Bytes;
            }
        }

        /// <summary>
        /// What a cursor about to score batch <paramref name="number"/> locks: one object for the next batch the cache
        /// would keep, so parallel cursors score it once and the others find it kept; a cursor behind or past it, or on a
        /// cache that is not growing, scores on its own.
        /// </summary>
        private object ScoringLock(int number)
        {
            lock (_lock)
                return _batches is not null && !_stopped && number == _batches.Count ? _frontier : new object();
        }

        /// <summary>Batch <paramref name="number"/>, when it is kept for columns that include <paramref name="columns"/>.</summary>
        private bool TryGet(int number, bool[] columns, out ScoredBatch batch)
        {
            lock (_lock)
            {
                batch = _batches is not null && number < _batches.Count && Covers(_columns, columns) ? _batches[number] : null;
                return batch is not null;
            }
        }

        /// <summary>
        /// Offers batch <paramref name="number"/> scored for <paramref name="columns"/>: kept when it is the next one, for
        /// the cache's columns (the first offer sets them), and within the limit. Past the first pass's limit the cache stops
        /// growing; past the whole budget it gives up.
        /// </summary>
        public void Offer(int number, bool[] columns, ScoredBatch batch)
        {
            lock (_lock)
            {
                if (_batches is null || _stopped || number != _batches.Count)
                    return;
                if (number == 0)
                    _columns = columns;
                else if (!Covers(_columns, columns) || !Covers(columns, _columns))
                    return;
                if (_bytes + batch.Bytes > _limit)
                {
                    if (_widened)
                    {
                        _batches = null;
                        _columns = null;
                    }
                    else
                    {
                        _stopped = true;
                    }
                    return;
                }
                _batches.Add(batch);
                _bytes += batch.Bytes;
            }
        }

        private static bool Covers(bool[] kept, bool[] wanted)
        {
            if (kept is null)
                return false;
            for (int i = 0; i < wanted.Length; i++)
            {
                if (wanted[i] && !kept[i])
                    return false;
            }
            return true;
        }
    }
}
