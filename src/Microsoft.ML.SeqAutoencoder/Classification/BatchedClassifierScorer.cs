using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.Classification
{
    /// <summary>
    /// The scorer behind <c>Transform</c> of a classifier transformer this library makes: the columns and annotations of
    /// ML.NET's multiclass scorer (Score: class probabilities, with the label names as slot names; PredictedLabel: the
    /// key of the largest), with Score computed a batch of rows per forward pass (<see cref="BatchedScorerBase"/>).
    /// </summary>
    internal sealed class BatchedClassifierScorer : BatchedScorerBase
    {
        private const string RegistrationName = "SequenceClassifierScore";

        /// <summary>Rows per forward pass when the transformer does not say.</summary>
        public const int DefaultBatchSize = SequenceAutoencoderOptions.Defaults.ScoringBatchSize;

        private readonly SequenceClassifierModelParameters _model;

        private BatchedClassifierScorer(IHostEnvironment env, SequenceClassifierModelParameters model, string featureColumnName,
            MulticlassClassificationScorer.Arguments args, ISchemaBoundMapper mapper, RoleMappedSchema roles, DataViewSchema trainSchema, int batchSize)
            : base(args, env, trainSchema, MulticlassClassificationScorer.WrapIfNeeded(env, mapper, roles), roles, RegistrationName,
                AnnotationUtils.Const.ScoreColumnKind.MulticlassClassification, args.ScoreColumnName,
                MulticlassClassificationScorer.OutputTypeMatches, MulticlassClassificationScorer.GetPredColType, args.PredictedLabelColumnName,
                featureColumnName, batchSize)
        {
            _model = model;
        }

        private BatchedClassifierScorer(IHostEnvironment env, BatchedClassifierScorer template, IDataView newSource)
            : base(env, template, newSource, RegistrationName)
        {
            _model = template._model;
        }

        /// <summary>
        /// Gives <paramref name="transformer"/>, just made by the classifier trainer with these column names, this batched
        /// scorer in place of ML.NET's row-by-row one.
        /// </summary>
        public static MulticlassPredictionTransformer<SequenceClassifierModelParameters> Install(IHostEnvironment env,
            MulticlassPredictionTransformer<SequenceClassifierModelParameters> transformer, string labelColumnName, int batchSize)
        {
            var roles = new RoleMappedSchema(transformer.TrainSchema, labelColumnName, transformer.FeatureColumnName);
            var args = new MulticlassClassificationScorer.Arguments
            {
                ScoreColumnName = AnnotationUtils.Const.ScoreValueKind.Score,
                PredictedLabelColumnName = DefaultColumnNames.PredictedLabel,
            };
            transformer.Scorer = new BatchedClassifierScorer(env, transformer.Model, transformer.FeatureColumnName, args,
                transformer.BindableMapper.Bind(env, roles), roles, transformer.TrainSchema, batchSize);
            return transformer;
        }

        protected override IDataTransform ApplyToDataCore(IHostEnvironment env, IDataView newSource)
            => new BatchedClassifierScorer(env, this, newSource);

        private protected override SequenceColumn FeatureColumn(string name) => _model.FeatureColumn(name);

        private protected override SequenceSet NewBatch() => new SequenceSet(_model.FeaturesPerStep);

        private protected override float[][] Score(SequenceSet rows) => _model.Probabilities(rows);

        protected override Delegate GetPredictedLabelGetter(DataViewRow output, out Delegate scoreGetter)
        {
            var mapperScore = output.GetGetter<VBuffer<float>>(output.Schema[Bindings.ScoreColumnIndex]);
            long cachedPosition = -1;
            VBuffer<float> score = default;
            int classes = Bindings.PredColType.GetKeyCountAsInt32(Host);
            ValueGetter<VBuffer<float>> scoreFn = (ref VBuffer<float> dst) =>
            {
                EnsureCachedPosition(ref cachedPosition, ref score, output, mapperScore);
                Host.Check(score.Length == classes);
                score.CopyTo(ref dst);
            };
            scoreGetter = scoreFn;
            ValueGetter<uint> predicted = (ref uint dst) =>
            {
                EnsureCachedPosition(ref cachedPosition, ref score, output, mapperScore);
                Host.Check(score.Length == classes);
                int index = ArgMax(score);
                dst = index < 0 ? 0 : (uint)index + 1;
            };
            return predicted;
        }

        /// <summary>The index of the largest value (the first of ties), or −1 when there is none.</summary>
        private static int ArgMax(VBuffer<float> values)
        {
            int best = -1;
            float max = float.NegativeInfinity;
            int i = 0;
            foreach (float value in values.DenseValues())
            {
                if (value > max || best < 0)
                {
                    best = i;
                    max = value;
                }
                i++;
            }
            return best;
        }
    }
}
