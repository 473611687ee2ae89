using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.AnomalyDetection
{
    /// <summary>
    /// The scorer behind <c>Transform</c> of an anomaly transformer this library makes: the columns, annotations and
    /// threshold of ML.NET's binary scorer (Score, then PredictedLabel = Score &gt; threshold), with Score computed a batch
    /// of rows per forward pass (<see cref="BatchedScorerBase"/>).
    /// </summary>
    internal sealed class BatchedAnomalyScorer : BatchedScorerBase
    {
        private const string RegistrationName = "SequenceAnomalyScore";

        /// <summary>Rows per forward pass when the transformer does not say (loaded models).</summary>
        public const int DefaultBatchSize = SequenceAutoencoderOptions.Defaults.ScoringBatchSize;

        private readonly SequenceAnomalyModelParameters _model;
        private readonly float _threshold;

        private BatchedAnomalyScorer(IHostEnvironment env, SequenceAnomalyModelParameters model, float threshold, string thresholdColumn,
            ISchemaBindableMapper bindable, RoleMappedSchema roles, DataViewSchema trainSchema, string featureColumnName, int batchSize)
            : base(new BinaryClassifierScorer.Arguments { Threshold = threshold, ThresholdColumn = thresholdColumn }, env, trainSchema,
                bindable.Bind(env, roles), roles, RegistrationName, AnnotationUtils.Const.ScoreColumnKind.BinaryClassification, thresholdColumn,
                type => type == NumberDataViewType.Single, (type, mapper) => BooleanDataViewType.Instance, DefaultColumnNames.PredictedLabel,
                featureColumnName, batchSize)
        {
            _model = model;
            _threshold = threshold;
        }

        private BatchedAnomalyScorer(IHostEnvironment env, BatchedAnomalyScorer template, IDataView newSource)
            : base(env, template, newSource, RegistrationName)
        {
            _model = template._model;
            _threshold = template._threshold;
        }

        /// <summary>
        /// Gives <paramref name="transformer"/> (whose model is <see cref="SequenceAnomalyModelParameters"/>) this batched
        /// scorer in place of ML.NET's row-by-row one, keeping its threshold, threshold column and feature column.
        /// </summary>
        public static AnomalyPredictionTransformer<TModel> Install<TModel>(IHostEnvironment env, AnomalyPredictionTransformer<TModel> transformer, int batchSize)
            where TModel : class
        {
            var model = (SequenceAnomalyModelParameters)(object)transformer.Model;
            var roles = new RoleMappedSchema(transformer.TrainSchema, null, transformer.FeatureColumnName);
            transformer.Scorer = new BatchedAnomalyScorer(env, model, transformer.Threshold, transformer.ThresholdColumn, transformer.BindableMapper,
                roles, transformer.TrainSchema, transformer.FeatureColumnName, batchSize);
            return transformer;
        }

        /// <summary>The rows per forward pass of <paramref name="transformer"/>'s scorer when it is one of these, else the default.</summary>
        public static int BatchSizeOf(ITransformer transformer)
            => transformer is PredictionTransformerBase<SequenceAnomalyModelParameters> t && t.Scorer is BatchedAnomalyScorer scorer ? scorer.BatchSize : DefaultBatchSize;

        protected override IDataTransform ApplyToDataCore(IHostEnvironment env, IDataView newSource)
            => new BatchedAnomalyScorer(env, this, newSource);

        private protected override SequenceColumn FeatureColumn(string name) => _model.FeatureColumn(name);

        private protected override SequenceSet NewBatch() => new SequenceSet(_model.FeaturesPerStep, _model.PredictionLength);

        private protected override float[][] Score(SequenceSet rows)
            => _model.RawScores(rows).Select(raw => new[] { _model.Normalize(raw) }).ToArray();

        /// <summary>ONNX export: Score from the model, PredictedLabel = Score &gt; this scorer's threshold.</summary>
        protected override void SaveAsOnnxCore(OnnxContext ctx)
        {
            string feature = Bindings.RowMapper.InputRoleMappedSchema.Feature.Value.Name;
            string[] columns = Enumerable.Range(0, Bindings.InfoCount).Select(i => Bindings.GetColumnName(Bindings.MapIinfoToCol(i))).ToArray();
            if (!ctx.ContainsColumn(feature))
            {
                foreach (string column in columns)
                    ctx.RemoveColumn(column, false);
                return;
            }
            // Bindings: PredictedLabel, then Score.
            string score = ctx.AddIntermediateVariable(NumberDataViewType.Single, columns[1]);
            _model.WriteOnnx(ctx, ctx.GetVariableName(feature), score);
            string label = ctx.AddIntermediateVariable(BooleanDataViewType.Instance, columns[0]);
            ctx.CreateNode("Greater", new[] { score, ctx.AddInitializer(_threshold, "ScoreThreshold") }, new[] { label }, ctx.GetNodeName("Greater"), "");
        }

        protected override Delegate GetPredictedLabelGetter(DataViewRow output, out Delegate scoreGetter)
        {
            ValueGetter<float> mapperScore = output.GetGetter<float>(output.Schema[Bindings.ScoreColumnIndex]);
            long cachedPosition = -1;
            float score = 0;
            ValueGetter<float> scoreFn = (ref float dst) =>
            {
                EnsureCachedPosition(ref cachedPosition, ref score, output, mapperScore);
                dst = score;
            };
            scoreGetter = scoreFn;
            ValueGetter<bool> predicted = (ref bool dst) =>
            {
                EnsureCachedPosition(ref cachedPosition, ref score, output, mapperScore);
                dst = score > _threshold;
            };
            return predicted;
        }
    }
}
