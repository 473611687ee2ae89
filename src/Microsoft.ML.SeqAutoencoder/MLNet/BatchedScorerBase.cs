using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Torch;
using Newtonsoft.Json.Linq;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// Base of the library's replacements for ML.NET's prediction scorers (the anomaly trainer's and the classifier's): an
    /// ML.NET <see cref="PredictedLabelScorerBase"/>, so the columns, annotations and predicted label are ML.NET's, whose
    /// in-order cursors score <see cref="BatchSize"/> rows per forward pass (<see cref="BatchedScorerCursor"/>). Shuffled
    /// cursors and the row-to-row path (<c>PredictionEngine</c>) go through the model parameters' value mapper, one row
    /// per pass. Scores are kept within the output cache budget for later cursors of the same view, as for the library's
    /// transformers. A transformer is given one of these after ML.NET built it; it saves its model, never its scorer.
    /// </summary>
    internal abstract class BatchedScorerBase : PredictedLabelScorerBase
    {
        private readonly string _featureColumnName;

        private protected BatchedScorerBase(ScorerArgumentsBase args, IHostEnvironment env, DataViewSchema trainSchema, ISchemaBoundMapper mapper,
            RoleMappedSchema roles, string registrationName, string scoreColumnKind, string scoreColumnName,
            Func<DataViewType, bool> outputTypeMatches, Func<DataViewType, ISchemaBoundRowMapper, DataViewType> predictedLabelType,
            string predictedLabelColumnName, string featureColumnName, int batchSize)
            : base(args, env, new EmptyDataView(env, trainSchema), mapper, roles, registrationName, scoreColumnKind, scoreColumnName,
                outputTypeMatches, predictedLabelType, predictedLabelColumnName)
        {
            _featureColumnName = featureColumnName;
            BatchSize = batchSize;
        }

        private protected BatchedScorerBase(IHostEnvironment env, BatchedScorerBase template, IDataView newSource, string registrationName)
            : base(env, template, newSource, registrationName)
        {
            _featureColumnName = template._featureColumnName;
            BatchSize = template.BatchSize;
        }

        /// <summary>Rows per forward pass of an in-order cursor.</summary>
        public int BatchSize { get; }

        /// <summary>
        /// The scores of this view (one per <c>Transform</c>) kept within the output cache budget, so that a multi-pass
        /// consumer after it does not run the network on every pass (see <see cref="OutputCache"/>).
        /// </summary>
        internal OutputCache Cache { get; private set; } = new OutputCache(OutputCacheBudget.Default());

        /// <summary>Gives this view a fresh cache with <paramref name="budget"/> (tests, before any cursor).</summary>
        internal void ResetCache(OutputCacheBudget budget) => Cache = new OutputCache(budget);

        /// <summary>The feature column the model reads, checked row by row.</summary>
        private protected abstract SequenceColumn FeatureColumn(string name);

        /// <summary>An empty set for one batch of rows.</summary>
        private protected abstract SequenceSet NewBatch();

        /// <summary>The Score values (one or more per row) of every row of <paramref name="rows"/>, in one forward pass.</summary>
        private protected abstract float[][] Score(SequenceSet rows);

        protected override void SaveCore(ModelSaveContext ctx)
            => throw Host.ExceptNotSupp("This scorer is rebuilt from its transformer; save the transformer.");

        protected override JToken PredictedLabelPfa(string[] mapperOutputs)
            => throw Host.ExceptNotSupp("PFA export is not supported for sequence models.");

        protected override DataViewRowCursor GetRowCursorCore(IEnumerable<DataViewSchema.Column> columnsNeeded, Random rand = null)
        {
            var needed = columnsNeeded.ToArray();
            bool[] active = Bindings.GetActive(RowCursorUtils.FromColumnsToPredicate(needed, OutputSchema));
            bool scores = Enumerable.Range(0, Bindings.InfoCount).Any(i => active[Bindings.MapIinfoToCol(i)]);
            if (rand != null || !scores)
                return base.GetRowCursorCore(needed, rand);

            var feature = Source.Schema[_featureColumnName];
            DataViewRowCursor input = Source.GetRowCursor(GetDependenciesCore(needed).Append(feature).Distinct().ToArray());
            try
            {
                var output = new BatchedScorerCursor.Row(Host, Bindings.RowMapper.OutputSchema, input, Source.GetRowCursor(new[] { feature }),
                    FeatureColumn(feature.Name), NewBatch, Score, BatchSize, Cache);
                Delegate[] getters = GetGetters(output, i => active[Bindings.MapIinfoToCol(i)]);
                return new BatchedScorerCursor(Host, OutputSchema, input, output, active, getters, Bindings.MapColumnIndex);
            }
            catch
            {
                input.Dispose();
                throw;
            }
        }

        // One in-order cursor: batches need the rows in order, and the network uses the cores itself.
        public override DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random rand = null)
            => new[] { GetRowCursorCore(columnsNeeded, rand) };
    }
}
