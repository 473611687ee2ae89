using System;
using System.Collections.Generic;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// The scored batches of one <see cref="LookAheadDataView"/>, kept in order while they fit a memory budget so that
    /// later cursors over the view read them instead of running the network again. The batches belong to the set of
    /// added columns the first scoring cursor read; a cursor that reads those or fewer is served from them, a cursor
    /// that reads others scores for itself. When the next batch would pass the budget, every kept batch is dropped for
    /// good and all cursors stream. Safe for cursors on several threads.
    /// </summary>
    internal sealed class OutputCache
    {
        /// <summary>Environment variable: the budget in MiB (0 turns the cache off).</summary>
        public const string BudgetEnvironmentVariable = "SEQAE_OUTPUT_CACHE_MB";

        /// <summary>AppContext data name: the budget in MiB, taking precedence over the environment variable.</summary>
        public const string BudgetAppContextName = "Microsoft.ML.SeqAutoencoder.OutputCacheMegabytes";

        /// <summary>The budget when nothing else is set.</summary>
        public const int DefaultBudgetMegabytes = 64;

        private readonly object _lock = new object();
        private readonly object _frontier = new object();
        private readonly long _budgetBytes;
        private List<ScoredBatch> _batches = new List<ScoredBatch>();
        private bool[] _columns;
        private long _bytes;

        public OutputCache(long budgetBytes) => _budgetBytes = budgetBytes;

        /// <summary>The budget of new views: <see cref="BudgetAppContextName"/>, else <see cref="BudgetEnvironmentVariable"/>, else the default.</summary>
        public static long DefaultBudgetBytes()
        {
            object data = AppContext.GetData(BudgetAppContextName);
            string text = data?.ToString() ?? Environment.GetEnvironmentVariable(BudgetEnvironmentVariable);
            long megabytes = long.TryParse(text, out long parsed) && parsed >= 0 ? parsed : DefaultBudgetMegabytes;
            return megabytes * 1024 * 1024;
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

        /// <summary>Whether the budget was passed and the cache gave up.</summary>
        public bool GaveUp
        {
            get
            {
                lock (_lock)
                    return _batches is null;
            }
        }

        /// <summary>
        /// What a cursor about to score batch <paramref name="number"/> locks: one object for the next batch the cache
        /// would keep, so parallel cursors score it once and the others find it kept; a cursor behind or past it, or on a
        /// cache that gave up, scores on its own.
        /// </summary>
        public object ScoringLock(int number)
        {
            lock (_lock)
                return _batches is not null && number == _batches.Count ? _frontier : new object();
        }

        /// <summary>Batch <paramref name="number"/>, when it is kept for columns that include <paramref name="columns"/>.</summary>
        public bool TryGet(int number, bool[] columns, out ScoredBatch batch)
        {
            lock (_lock)
            {
                batch = _batches is not null && number < _batches.Count && Covers(_columns, columns) ? _batches[number] : null;
                return batch is not null;
            }
        }

        /// <summary>
        /// Offers batch <paramref name="number"/> scored for <paramref name="columns"/>: kept when it is the next one, for
        /// the cache's columns (the first offer sets them), and within the budget.
        /// </summary>
        public void Offer(int number, bool[] columns, ScoredBatch batch)
        {
            lock (_lock)
            {
                if (_batches is null || number != _batches.Count)
                    return;
                if (number == 0)
                    _columns = columns;
                else if (!Covers(_columns, columns) || !Covers(columns, _columns))
                    return;
                if (_bytes + batch.Bytes > _budgetBytes)
                {
                    _batches = null;
                    _columns = null;
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
