using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.AnomalyDetection;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.Trainers;
using Microsoft.ML.SeqAutoencoder.Native;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// The <see cref="IEstimator{TTransformer}"/> for training an LSTM autoencoder anomaly detector on sequences
    /// of normal behavior: rows it rebuilds (or forecasts) badly are anomalies.
    /// </summary>
    /// <remarks>
    /// <format type="text/markdown"><![CDATA[
    /// To create this trainer, use [LstmAutoencoder](xref:Microsoft.ML.SequenceAnomalyCatalog.LstmAutoencoder*).
    ///
    /// ### Input and Output Columns
    /// The input feature column is a known- or variable-sized vector of <xref:System.Single> holding T·F values per
    /// row, step-major (step 0's F features, then step 1's, ...). The trainer outputs `Score` (<xref:System.Single>,
    /// higher is more anomalous, in [0, 1)) and `PredictedLabel` (<xref:System.Boolean>, true for an anomaly).
    ///
    /// ### Trainer Characteristics
    /// |  |  |
    /// | -- | -- |
    /// | Machine learning task | Anomaly Detection |
    /// | Is normalization required? | No (features are standardized internally) |
    /// | Is caching required? | No |
    /// | Required NuGet in addition to Microsoft.ML | Microsoft.ML.SeqAutoencoder (TorchSharp) |
    /// | Exportable to ONNX | No |
    ///
    /// ### Training Algorithm Details
    /// A share of the training rows (`ScoreHoldOutFraction`, 20% by default) is set aside; the LSTM autoencoder
    /// is trained on the rest. Training needs no labels: the rows are assumed normal. For each held-out row the
    /// per-step error vectors e_t = |x_t − x̂_t| (F values, in units of the standardized features) are computed
    /// against the reconstruction (Reconstruction mode), the forecast (Prediction mode) or both (Composite mode).
    ///
    /// The raw score of a row is, with `ReconstructionError`, the mean squared error of its values; with
    /// `Mahalanobis` (EncDec-AD, Malhotra et al. 2016), μ and Σ are fitted on all held-out error vectors,
    /// each step's score is a_t = (e_t − μ)ᵀ(Σ + λ·I)⁻¹(e_t − μ), and the row's raw score is the mean of its a_t
    /// (EncDec-AD scores single points; the row score aggregates them). λ (`CovarianceRegularization`) keeps Σ
    /// invertible when a feature's error never varies.
    ///
    /// The raw threshold is a quantile of the held-out scores (default: 0.99), their mean plus k standard
    /// deviations, or the score that maximizes Fβ on labeled `ValidationData` (candidates: the sorted
    /// validation scores). The output `Score` is the raw score s normalized as s / (s + threshold): monotone in s,
    /// in [0, 1), and exactly 0.5 at the learned threshold. `PredictedLabel` is `Score` > 0.5, the default
    /// threshold of anomaly models in ML.NET, so it applies the learned threshold; move it with
    /// `mlContext.AnomalyDetection.ChangeModelThreshold` (fitted models) or
    /// `ChangeSequenceAnomalyThreshold` (fitted or loaded models): a normalized threshold u corresponds to the raw
    /// threshold threshold·u / (1 − u). `Transform` scores `ScoringBatchSize` rows per forward pass; `PredictionEngine` and loaded models score one row per pass. The model parameters hold a
    /// native network: dispose them (`transformer.Model.Dispose()`) when done.
    /// ]]></format>
    /// </remarks>
    /// <seealso cref="SequenceAnomalyCatalog.LstmAutoencoder(AnomalyDetectionCatalog.AnomalyDetectionTrainers, string, int, int)"/>
    /// <seealso cref="SequenceAnomalyCatalog.LstmAutoencoder(AnomalyDetectionCatalog.AnomalyDetectionTrainers, SequenceAnomalyOptions)"/>
    public sealed class SequenceAnomalyTrainer
        : TrainerEstimatorBase<AnomalyPredictionTransformer<SequenceAnomalyModelParameters>, SequenceAnomalyModelParameters>,
        IEstimator<AnomalyPredictionTransformer<SequenceAnomalyModelParameters>>
    {
        internal const string LoadNameValue = "LstmAutoencoderAnomaly";

        // Normalized scores divide by the threshold, which must therefore be positive.
        private const double MinimumThreshold = 1e-12;

        private static readonly TrainerInfo _info = new TrainerInfo(normalization: false, caching: false);

        private readonly SequenceAnomalyOptions _options;

        internal SequenceAnomalyTrainer(IHostEnvironment env, SequenceAnomalyOptions options)
            : base(Contracts.CheckRef(env, nameof(env)).Register(LoadNameValue),
                TrainerUtils.MakeR4VecFeature(options?.FeatureColumnName ?? DefaultColumnNames.Features), default)
        {
            Host.CheckValue(options, nameof(options));
            options.Check(Host);
            _options = options;
        }

        /// <summary>No normalization or caching needed.</summary>
        public override TrainerInfo Info => _info;

        /// <summary>Anomaly detection.</summary>
        protected override PredictionKind PredictionKind => PredictionKind.AnomalyDetection;

        private SequenceColumn SequenceFeatures => new SequenceColumn(_options.FeatureColumnName, _options.FeaturesPerStep, 1 + _options.TargetSteps);

        // TrainerEstimatorBase.Fit and GetOutputSchema accept only known-size feature vectors; this trainer
        // re-implements IEstimator so that variable-size sequence columns are accepted too.

        /// <summary>Trains the detector on the (normal) rows of <paramref name="input"/>.</summary>
        public new AnomalyPredictionTransformer<SequenceAnomalyModelParameters> Fit(IDataView input)
        {
            Host.CheckValue(input, nameof(input));
            SequenceFeatures.Check(Host, input.Schema, out _);
            var roles = new RoleMappedData(input, label: null, feature: _options.FeatureColumnName);
            var model = TrainModelCore(new TrainContext(roles));
            return MakeTransformer(model, input.Schema);
        }

        /// <summary>Checks the feature column (a vector of <see cref="float"/>) and returns the schema with Score and PredictedLabel.</summary>
        public new SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            Host.CheckValue(inputSchema, nameof(inputSchema));
            SequenceFeatures.Check(Host, inputSchema);
            var columns = inputSchema.ToDictionary(c => c.Name);
            foreach (var column in GetOutputColumnsCore(inputSchema))
                columns[column.Name] = column;
            return new SchemaShape(columns.Values);
        }

        /// <summary>Trains the network on the non-held-out rows and fits scoring and threshold on the held-out ones.</summary>
        protected override SequenceAnomalyModelParameters TrainModelCore(TrainContext context)
        {
            Host.CheckValue(context, nameof(context));
            var options = _options;
            var data = context.TrainingSet.Data;
            SequenceColumn column = SequenceFeatures;
            column.Check(Host, data.Schema, out int inputSize);

            using var ch = Host.Start("Training");
            SequenceSet rows = column.ReadAll(ch, data, options.TargetSteps);
            if (rows.Count == 0)
                throw ch.Except($"Column '{column.Name}': the training data has no rows; at least two sequences are needed.");
            int holdOut = (int)Math.Round(rows.Count * options.ScoreHoldOutFraction);
            if (holdOut < 1 || holdOut >= rows.Count)
            {
                throw ch.ExceptUserArg(nameof(options.ScoreHoldOutFraction),
                    $"{options.ScoreHoldOutFraction} of {rows.Count} training rows leaves {holdOut} rows to hold out and {rows.Count - holdOut} to train on; both must be at least 1.");
            }

            int seed = options.Seed ?? Host.Rand.Next();
            int[] order = rows.All();
            new Random(seed).Shuffle(order);
            int[] heldOut = order[..holdOut].Order().ToArray();
            int[] training = order[holdOut..].Order().ToArray();
            var trainer = options.CreateTrainer(seed);
            ch.Info($"Training a {options.CreateArchitecture()} on {training.Length} sequences, {holdOut} held out for scoring, seed {seed}.");
            ch.Info(NativeAllocator.Report());
            var network = trainer.Train(rows, training, p => ch.Info(p.ToString()), Host.CheckAlive);

            try
            {
                int f = options.FeaturesPerStep;
                double[][] errors = Errors(network, rows, heldOut);
                MahalanobisDistribution distribution = options.ScoringMethod == SequenceAnomalyScoringMethod.Mahalanobis
                    ? MahalanobisDistribution.Fit(errors, f, options.CovarianceRegularization)
                    : null;
                double[] scores = errors.Select(e => ErrorScores.RowScore(e, f, distribution)).ToArray();
                double threshold = SelectThreshold(ch, network, distribution, scores);
                if (!(threshold >= MinimumThreshold))
                {
                    ch.Warning($"The raw threshold {threshold:G4} is not positive; using {MinimumThreshold:G4}.");
                    threshold = MinimumThreshold;
                }
                ch.Info($"{options.ScoringMethod} scores of the {holdOut} held-out rows: mean {scores.Average():G4}, max {scores.Max():G4}; " +
                    $"{options.ThresholdMethod} threshold {threshold:G6}.");
                return new SequenceAnomalyModelParameters(Host, network, options.ScoringMethod, distribution, threshold,
                    column.Name, inputSize);
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }

        private double[][] Errors(SequenceAutoencoderModel network, SequenceSet rows, int[] indices)
            => network.Run(rows, _options.ScoringBatchSize, SequenceOutputKinds.Errors, indices).Select(o => o.Errors).ToArray();

        private double SelectThreshold(IChannel ch, SequenceAutoencoderModel network, MahalanobisDistribution distribution, double[] heldOutScores)
        {
            var options = _options;
            switch (options.ThresholdMethod)
            {
                case SequenceAnomalyThresholdMethod.Quantile:
                    return ThresholdSelection.Quantile(heldOutScores, options.ThresholdQuantile);
                case SequenceAnomalyThresholdMethod.MeanPlusKStd:
                    return ThresholdSelection.MeanPlusKStd(heldOutScores, options.ThresholdK);
                default:
                    var (rows, labels) = ReadValidation(ch);
                    int f = options.FeaturesPerStep;
                    double[] scores = Errors(network, rows, rows.All()).Select(e => ErrorScores.RowScore(e, f, distribution)).ToArray();
                    double threshold = ThresholdSelection.FBetaOptimal(scores, labels, options.Beta, out double fBeta);
                    ch.Info($"F{options.Beta:G3} on the {rows.Count} validation rows: {fBeta:F4} at raw threshold {threshold:G6}.");
                    return threshold;
            }
        }

        private (SequenceSet Rows, bool[] Labels) ReadValidation(IChannel ch)
        {
            var options = _options;
            IDataView data = options.ValidationData;
            var label = data.Schema.GetColumnOrNull(options.LabelColumnName);
            if (label is null)
                throw ch.ExceptSchemaMismatch(nameof(options.ValidationData), "label", options.LabelColumnName);
            var labelType = label.Value.Type;
            if (labelType != BooleanDataViewType.Instance && labelType != NumberDataViewType.Single)
                throw ch.ExceptSchemaMismatch(nameof(options.ValidationData), "label", options.LabelColumnName, "Boolean or Single (0 or 1)", labelType.ToString());

            var labels = new List<bool>();
            SequenceSet rows = SequenceFeatures.ReadAll(ch, data, options.TargetSteps, new[] { label.Value }, cursor =>
            {
                ValueGetter<bool> boolGetter = labelType == BooleanDataViewType.Instance ? cursor.GetGetter<bool>(label.Value) : null;
                ValueGetter<float> floatGetter = boolGetter == null ? cursor.GetGetter<float>(label.Value) : null;
                return () =>
                {
                    bool isAnomaly = false;
                    if (boolGetter != null)
                    {
                        boolGetter(ref isAnomaly);
                    }
                    else
                    {
                        float value = 0;
                        floatGetter(ref value);
                        if (value != 0 && value != 1)
                            throw ch.Except($"{nameof(options.ValidationData)}, column '{options.LabelColumnName}', row {cursor.Position}: expected 0 or 1; found {value}.");
                        isAnomaly = value == 1;
                    }
                    labels.Add(isAnomaly);
                    return true;
                };
            });
            if (rows.Count == 0)
                throw ch.ExceptUserArg(nameof(options.ValidationData), "The validation data has no rows.");
            if (!labels.Contains(true))
                throw ch.ExceptUserArg(nameof(options.ValidationData), $"Column '{options.LabelColumnName}' marks no row as an anomaly; Fβ needs at least one.");
            return (rows, labels.ToArray());
        }

        /// <summary>Score (Single) and PredictedLabel (Boolean).</summary>
        protected override SchemaShape.Column[] GetOutputColumnsCore(SchemaShape inputSchema)
            => new[]
            {
                new SchemaShape.Column(DefaultColumnNames.Score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false,
                    new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
                new SchemaShape.Column(DefaultColumnNames.PredictedLabel, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false,
                    new SchemaShape(AnnotationUtils.GetTrainerOutputAnnotation())),
            };

        /// <summary>Wraps the parameters in an <see cref="AnomalyPredictionTransformer{TModel}"/> with the default threshold 0.5 (the learned one).</summary>
        protected override AnomalyPredictionTransformer<SequenceAnomalyModelParameters> MakeTransformer(SequenceAnomalyModelParameters model, DataViewSchema trainSchema)
            => BatchedAnomalyScorer.Install(Host,
                new AnomalyPredictionTransformer<SequenceAnomalyModelParameters>(Host, model, trainSchema, _options.FeatureColumnName), _options.ScoringBatchSize);
    }
}
