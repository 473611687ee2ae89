using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Classification;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.Trainers;
using Microsoft.ML.SeqAutoencoder.Native;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// The <see cref="IEstimator{TTransformer}"/> for training an LSTM sequence classifier, optionally initialized from
    /// the encoder of a fitted sequence autoencoder and fine-tuned on labeled sequences.
    /// </summary>
    /// <remarks>
    /// <format type="text/markdown"><![CDATA[
    /// To create this trainer, use [LstmSequenceClassifier](xref:Microsoft.ML.SequenceClassifierCatalog.LstmSequenceClassifier*).
    ///
    /// ### Input and Output Columns
    /// The label column must be a [key](xref:Microsoft.ML.Data.KeyDataViewType) (use `MapValueToKey`); its key count is
    /// the number of classes. The feature column is a known- or variable-sized vector of <xref:System.Single> holding T·F
    /// values per row, step-major (step 0's F features, then step 1's, ...). The trainer outputs `Score` (vector of
    /// <xref:System.Single>: the probability of each class, in key order) and `PredictedLabel` (the key of the most
    /// probable class), like ML.NET's other multiclass trainers.
    ///
    /// ### Trainer Characteristics
    /// |  |  |
    /// | -- | -- |
    /// | Machine learning task | Multiclass classification |
    /// | Is normalization required? | No (features are standardized internally) |
    /// | Is caching required? | No |
    /// | Required NuGet in addition to Microsoft.ML | Microsoft.ML.SeqAutoencoder (TorchSharp) |
    /// | Exportable to ONNX | No |
    ///
    /// ### Training Algorithm Details
    /// The network is the autoencoder's encoder (per-feature standardization, stacked LSTM, the last layer's output at each
    /// sequence's last real step, a linear projection to `EncodingSize` when that differs from the last layer's size),
    /// followed by a linear head from the encoding to one logit per class; softmax gives the probabilities. With
    /// `PretrainedEncoder` (a fitted `SequenceEncodingTransformer`, typically trained on many unlabeled sequences) the
    /// encoder weights and the standardization are copied from it (it is not changed); otherwise they are initialized
    /// from the seed and the standardization is fitted on the training split. The head is always initialized from the seed.
    ///
    /// Training minimizes cross-entropy with Adam: one optimizer for the head (`HeadLearningRate`) and one for the encoder
    /// (`EncoderLearningRate`, usually lower so fine-tuning does not destroy what pretraining learned). During the first
    /// `FreezeEncoderEpochs` epochs only the head trains. A seeded `ValidationFraction` of the labeled rows measures
    /// validation loss; the best epoch's weights are kept, and `EarlyStoppingPatience` stops training after that many
    /// epochs (after the frozen ones) without improvement. Rows whose label is missing (key 0) are skipped. `Transform` scores
    /// 256 rows per forward pass; `PredictionEngine` and loaded models score one row per pass. The model parameters hold a native network: dispose them (`transformer.Model.Dispose()`)
    /// when done.
    /// ]]></format>
    /// </remarks>
    /// <seealso cref="SequenceClassifierCatalog.LstmSequenceClassifier(MulticlassClassificationCatalog.MulticlassClassificationTrainers, string, string, int, int)"/>
    /// <seealso cref="SequenceClassifierCatalog.LstmSequenceClassifier(MulticlassClassificationCatalog.MulticlassClassificationTrainers, SequenceClassifierOptions)"/>
    public sealed class SequenceClassifierTrainer
        : TrainerEstimatorBase<MulticlassPredictionTransformer<SequenceClassifierModelParameters>, SequenceClassifierModelParameters>,
        IEstimator<MulticlassPredictionTransformer<SequenceClassifierModelParameters>>
    {
        internal const string LoadNameValue = "LstmSequenceClassifier";

        private static readonly TrainerInfo _info = new TrainerInfo(normalization: false, caching: false);

        private readonly SequenceClassifierOptions _options;

        internal SequenceClassifierTrainer(IHostEnvironment env, SequenceClassifierOptions options)
            : base(Contracts.CheckRef(env, nameof(env)).Register(LoadNameValue),
                TrainerUtils.MakeR4VecFeature(Checked(env, options).FeatureColumnName),
                TrainerUtils.MakeU4ScalarColumn(options.LabelColumnName))
        {
            _options = options;
        }

        // Runs before the base constructor, which rejects empty column names without naming the option.
        private static SequenceClassifierOptions Checked(IHostEnvironment env, SequenceClassifierOptions options)
        {
            env.CheckValue(options, nameof(options));
            options.Check(env);
            return options;
        }

        /// <summary>No normalization or caching needed.</summary>
        public override TrainerInfo Info => _info;

        /// <summary>Multiclass classification.</summary>
        protected override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

        private SequenceColumn SequenceFeatures => new SequenceColumn(_options.FeatureColumnName, _options.FeaturesPerStep, 1);

        // TrainerEstimatorBase.Fit and GetOutputSchema accept only known-size feature vectors; this trainer
        // re-implements IEstimator so that variable-size sequence columns are accepted too.

        /// <summary>Trains the classifier on the labeled rows of <paramref name="input"/>.</summary>
        public new MulticlassPredictionTransformer<SequenceClassifierModelParameters> Fit(IDataView input)
        {
            Host.CheckValue(input, nameof(input));
            SequenceFeatures.Check(Host, input.Schema, out _);
            CheckLabel(input.Schema, out _);
            var roles = new RoleMappedData(input, label: _options.LabelColumnName, feature: _options.FeatureColumnName);
            var model = TrainModelCore(new TrainContext(roles));
            return MakeTransformer(model, input.Schema);
        }

        /// <summary>
        /// Checks the feature column (a vector of <see cref="float"/>) and the label column (a key) and returns the schema
        /// with Score and PredictedLabel.
        /// </summary>
        public new SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            Host.CheckValue(inputSchema, nameof(inputSchema));
            SequenceFeatures.Check(Host, inputSchema);
            string label = _options.LabelColumnName;
            if (!inputSchema.TryFindColumn(label, out var labelColumn))
                throw Host.ExceptSchemaMismatch(nameof(inputSchema), "label", label);
            if (!labelColumn.IsKey || labelColumn.Kind != SchemaShape.Column.VectorKind.Scalar || labelColumn.ItemType.RawType != typeof(uint))
                throw Host.ExceptSchemaMismatch(nameof(inputSchema), "label", label, ExpectedLabel, labelColumn.GetTypeString());
            var columns = inputSchema.ToDictionary(c => c.Name);
            foreach (var column in GetOutputColumnsCore(inputSchema))
                columns[column.Name] = column;
            return new SchemaShape(columns.Values);
        }

        private const string ExpectedLabel = "key of UInt32 (use MapValueToKey)";

        /// <summary>Finds the label column and checks that it is a key with at least two values; returns its index.</summary>
        private int CheckLabel(DataViewSchema schema, out int classCount)
        {
            string label = _options.LabelColumnName;
            var column = schema.GetColumnOrNull(label);
            if (column is null)
                throw Host.ExceptSchemaMismatch(nameof(schema), "label", label);
            if (column.Value.Type is not KeyDataViewType key || key.RawType != typeof(uint))
                throw Host.ExceptSchemaMismatch(nameof(schema), "label", label, ExpectedLabel, column.Value.Type.ToString());
            if (key.Count < 2 || key.Count > int.MaxValue)
                throw Host.ExceptSchemaMismatch(nameof(schema), "label", label, "key with 2 or more values", $"key with {key.Count} values");
            classCount = (int)key.Count;
            return column.Value.Index;
        }

        /// <summary>Reads the labeled rows and trains the network.</summary>
        protected override SequenceClassifierModelParameters TrainModelCore(TrainContext context)
        {
            Host.CheckValue(context, nameof(context));
            var options = _options;
            var data = context.TrainingSet.Data;
            SequenceColumn column = SequenceFeatures;
            column.Check(Host, data.Schema, out int inputSize);
            int labelIndex = CheckLabel(data.Schema, out int classCount);

            using var ch = Host.Start("Training");
            var labels = new List<int>();
            long skipped = 0;
            SequenceSet rows = column.ReadAll(ch, data, 0, new[] { data.Schema[labelIndex] }, cursor =>
            {
                var label = cursor.GetGetter<uint>(data.Schema[labelIndex]);
                uint key = 0;
                return () =>
                {
                    label(ref key);
                    if (key == 0)
                    {
                        skipped++;
                        return false;
                    }
                    labels.Add((int)key - 1);
                    return true;
                };
            });
            if (skipped > 0)
                ch.Warning($"Skipped {skipped} rows whose label '{options.LabelColumnName}' is missing.");
            if (rows.Count == 0)
                throw ch.Except($"Column '{options.LabelColumnName}': the training data has no labeled rows.");

            int seed = options.Seed ?? Host.Rand.Next();
            var trainer = options.CreateTrainer(classCount, seed);
            SequenceAutoencoderModel pretrained = options.PretrainedAutoencoder();
            if (pretrained != null && pretrained.IsDisposed)
                throw ch.ExceptUserArg(nameof(options.PretrainedEncoder), "The pretrained encoder has been disposed.");
            int[] counts = new int[classCount];
            foreach (int label in labels)
                counts[label]++;
            ch.Info($"Training an LSTM sequence classifier ({options.CreateEncoderShape()}, {classCount} classes, rows per class [{string.Join(", ", counts)}]) " +
                $"on {rows.Count} sequences, {(pretrained != null ? "encoder initialized from the pretrained encoder" : "encoder initialized at random")}, " +
                $"{options.FreezeEncoderEpochs} frozen epochs, seed {seed}.");
            ch.Info(NativeAllocator.Report());
            var model = trainer.Train(rows, labels.ToArray(), pretrained?.Network, p => ch.Info(p.ToString()), Host.CheckAlive);
            try
            {
                return new SequenceClassifierModelParameters(Host, model, column.Name, inputSize);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }

        /// <summary>Score (vector of Single, one probability per class) and PredictedLabel (the label's key type).</summary>
        protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema)
        {
            bool found = inputSchema.TryFindColumn(_options.LabelColumnName, out var labelColumn);
            Host.Assert(found);
            var predictedLabelAnnotations = new SchemaShape(labelColumn.Annotations.Where(a => a.Name == AnnotationUtils.Kinds.KeyValues)
                .Concat(AnnotationUtils.GetTrainerOutputAnnotation()));
            return new[]
            {
                new SchemaShape.Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false,
                    new SchemaShape(AnnotationUtils.AnnotationsForMulticlassScoreColumn(labelColumn))),
                new SchemaShape.Column(DefaultColumnNames.PredictedLabel, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true,
                    predictedLabelAnnotations),
            };
        }

        /// <summary>Wraps the parameters in a <see cref="MulticlassPredictionTransformer{TModel}"/>.</summary>
        protected override MulticlassPredictionTransformer<SequenceClassifierModelParameters> MakeTransformer(
            SequenceClassifierModelParameters model, DataViewSchema trainSchema)
            => BatchedClassifierScorer.Install(Host, new MulticlassPredictionTransformer<SequenceClassifierModelParameters>(Host, model, trainSchema,
                _options.FeatureColumnName, _options.LabelColumnName), _options.LabelColumnName, BatchedClassifierScorer.DefaultBatchSize);
    }
}
