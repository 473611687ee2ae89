using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.AnomalyDetection;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Onnx;
using Microsoft.ML.SeqAutoencoder.Persistence;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.Trainers;

[assembly: LoadableClass(typeof(SequenceAnomalyModelParameters), null, typeof(SignatureLoadModel),
    "LSTM Autoencoder Anomaly Executor", SequenceAnomalyModelParameters.LoaderSignature)]

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Model parameters for <see cref="SequenceAnomalyTrainer"/>: the fitted autoencoder, the error
    /// distribution (Mahalanobis scoring) and the raw score threshold.
    /// </summary>
    /// <remarks>
    /// The score of a row is its raw score s normalized as s / (s + <see cref="Threshold"/>): in [0, 1), increasing
    /// with s, and exactly 0.5 at the learned threshold, which is the default threshold of
    /// <see cref="AnomalyPredictionTransformer{TModel}"/>. The parameters hold a native (libtorch) network:
    /// dispose them when done.
    /// </remarks>
    public sealed class SequenceAnomalyModelParameters : ModelParametersBase<float>, IValueMapper, ISingleCanSaveOnnx, IDisposable
    {
        internal const string LoaderSignature = "LstmAeAnomalyExec";
        internal const string RegistrationName = "LstmAutoencoderAnomalyPredictor";

        private readonly SequenceAutoencoderModel _model;
        private readonly MahalanobisDistribution _distribution;
        private readonly SequenceColumn _column;
        private readonly DataViewType _inputType;

        internal SequenceAnomalyModelParameters(IHostEnvironment env, SequenceAutoencoderModel model, SequenceAnomalyScoringMethod scoringMethod,
            MahalanobisDistribution distribution, double threshold, string featureColumnName, int inputSize)
            : base(env, RegistrationName)
        {
            Host.CheckValue(model, nameof(model));
            Host.CheckParam(scoringMethod != SequenceAnomalyScoringMethod.Mahalanobis || distribution != null, nameof(distribution));
            Host.CheckParam(double.IsFinite(threshold) && threshold > 0, nameof(threshold), "Must be a positive finite number.");
            _model = model;
            ScoringMethod = scoringMethod;
            _distribution = scoringMethod == SequenceAnomalyScoringMethod.Mahalanobis ? distribution : null;
            Threshold = threshold;
            FeatureColumnName = featureColumnName;
            InputSize = inputSize;
            _column = FeatureColumn(featureColumnName);
            _inputType = new VectorDataViewType(NumberDataViewType.Single, inputSize);
        }

        private static VersionInfo GetVersionInfo()
            => ModelVersions.For("LSTMAEAD", LoaderSignature);

        /// <summary>How a row's errors become its raw score.</summary>
        public SequenceAnomalyScoringMethod ScoringMethod { get; }

        /// <summary>The raw score above which a row is an anomaly; its normalized score is then above 0.5.</summary>
        public double Threshold { get; }

        /// <summary>Name of the feature column the model was trained on (used in error messages).</summary>
        public string FeatureColumnName { get; }

        /// <summary>Number of values in each row of the training feature column, or 0 if it was of variable size.</summary>
        public int InputSize { get; }

        /// <summary>Number of features in each time step.</summary>
        public int FeaturesPerStep => _model.Architecture.FeaturesPerStep;

        /// <summary>What the decoders were trained to produce.</summary>
        public SequenceAutoencoderMode Mode => _model.Architecture.Mode;

        /// <summary>Number of steps at the end of each row that the prediction decoder forecasts (0 in Reconstruction mode).</summary>
        public int PredictionLength => _model.Architecture.PredictionLength;

        /// <summary><see cref="SequenceAnomalyScoringMethod.Mahalanobis"/>: mean μ of the held-out error vectors (F values); null otherwise.</summary>
        public IReadOnlyList<double> ErrorMean => _distribution?.Mean;

        /// <summary><see cref="SequenceAnomalyScoringMethod.Mahalanobis"/>: (Σ + λ·I)⁻¹, row-major F×F; null otherwise.</summary>
        public IReadOnlyList<double> ErrorPrecision => _distribution?.Precision;

        /// <summary>Anomaly detection.</summary>
        protected override PredictionKind PredictionKind => PredictionKind.AnomalyDetection;

        internal SequenceAutoencoderModel Model => _model;

        private SequenceAnomalyModelParameters(IHostEnvironment env, ModelLoadContext ctx)
            : base(env, RegistrationName, ctx)
        {
            // *** Binary format ***
            // <base>
            // int: scoring method
            // double: raw threshold
            // string: feature column name
            // int: input size (0 = variable)
            // bool (byte): has distribution; then int F, double[F] mean, double[F*F] precision
            // stream "SequenceAutoencoder": the network (architecture, standardization, weights)
            ScoringMethod = (SequenceAnomalyScoringMethod)ctx.Reader.ReadInt32();
            Host.CheckDecode(Enum.IsDefined(typeof(SequenceAnomalyScoringMethod), ScoringMethod));
            Threshold = ctx.Reader.ReadDouble();
            Host.CheckDecode(double.IsFinite(Threshold) && Threshold > 0);
            FeatureColumnName = ctx.LoadNonEmptyString();
            InputSize = ctx.Reader.ReadInt32();
            Host.CheckDecode(InputSize >= 0 && InputSize <= ModelDecode.MaxValuesPerSequence);
            bool hasDistribution = ctx.Reader.ReadBoolean();
            Host.CheckDecode(hasDistribution == (ScoringMethod == SequenceAnomalyScoringMethod.Mahalanobis));
            _model = AutoencoderModelFormat.Load(ctx);
            try
            {
                _distribution = hasDistribution ? MahalanobisDistribution.Load(ctx.Reader, _model.Architecture.FeaturesPerStep) : null;
            }
            catch
            {
                _model.Dispose();
                throw;
            }
            _column = FeatureColumn(FeatureColumnName);
            _inputType = new VectorDataViewType(NumberDataViewType.Single, InputSize);
        }

        // Factory method for SignatureLoadModel.
        internal static SequenceAnomalyModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            ModelVersions.CheckAtModel(env, ctx, GetVersionInfo());
            return ModelDecode.Read("sequence anomaly model", () => new SequenceAnomalyModelParameters(env, ctx));
        }

        /// <summary>Saves the parameters and the network into the model file.</summary>
        protected override void SaveCore(ModelSaveContext ctx)
        {
            ObjectDisposedException.ThrowIf(_model.IsDisposed, this);
            base.SaveCore(ctx);
            ctx.SetVersionInfo(GetVersionInfo());

            // *** Binary format ***: see Create.
            ctx.Writer.Write((int)ScoringMethod);
            ctx.Writer.Write(Threshold);
            ctx.SaveNonEmptyString(FeatureColumnName);
            ctx.Writer.Write(InputSize);
            ctx.Writer.Write(_distribution != null);
            _distribution?.Save(ctx.Writer);
            AutoencoderModelFormat.Save(ctx, _model);
        }

        DataViewType IValueMapper.InputType => _inputType;

        DataViewType IValueMapper.OutputType => NumberDataViewType.Single;

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>));
            Host.Check(typeof(TOut) == typeof(float));
            ValueMapper<VBuffer<float>, float> mapper = (in VBuffer<float> src, ref float dst) =>
            {
                float[] scratch = null;
                var row = new SequenceSet(FeaturesPerStep, PredictionLength);
                row.Add(_column.Read(Host, in src, -1, ref scratch));
                dst = Normalize(RawScores(row)[0]);
            };
            return (ValueMapper<TIn, TOut>)(Delegate)mapper;
        }

        /// <summary>s / (s + threshold), in [0, 1), 0.5 at the threshold.</summary>
        // Fail closed: a raw score that is not finite (an overflow on extreme input) is as anomalous as a score can be.
        internal float Normalize(double raw) => double.IsFinite(raw) ? (float)(raw / (raw + Threshold)) : 1f;

        /// <summary>Forward passes the network has run (tests count them).</summary>
        internal long ForwardPasses => _model.ForwardPasses;

        /// <summary>The feature column, named <paramref name="name"/>, that this model reads.</summary>
        internal SequenceColumn FeatureColumn(string name) => new SequenceColumn(name, FeaturesPerStep, 1 + PredictionLength);

        /// <summary>Raw scores of every row of <paramref name="rows"/> (target steps = PredictionLength).</summary>
        internal double[] RawScores(SequenceSet rows)
            => StandardizedErrors(rows).Select(e => ErrorScores.RowScore(e, FeaturesPerStep, _distribution)).ToArray();

        /// <summary>Per-step scores of every row of <paramref name="rows"/>; their mean is the raw score.</summary>
        internal double[][] StepScores(SequenceSet rows)
            => StandardizedErrors(rows).Select(e => ErrorScores.StepScores(e, FeaturesPerStep, _distribution)).ToArray();

        private IEnumerable<double[]> StandardizedErrors(SequenceSet rows)
            => _model.Run(rows, Math.Max(1, rows.Count), SequenceOutputKinds.Errors).Select(o => o.Errors);

        /// <summary>Independent parameters with a copy of the network, for components that must own theirs.</summary>
        internal SequenceAnomalyModelParameters Clone(IHostEnvironment env)
            => new SequenceAnomalyModelParameters(env, AutoencoderModelFormat.Clone(_model), ScoringMethod, _distribution, Threshold, FeatureColumnName, InputSize);

        // Visited by the ONNX exporter so that it cannot skip the model (which would leave its outputs unbound or as inputs).
        bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

        // Reached through ML.NET's own binary scorer (a model loaded from a file, or ML.NET's ChangeModelThreshold), which
        // does not tell the threshold of PredictedLabel: refused rather than exported with a guessed threshold.
        bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
            => throw OnnxRefusal.For("LstmAutoencoder (SequenceAnomalyModelParameters) scored by ML.NET's scorer",
                $"output(s) {string.Join(", ", outputNames.Select(n => $"'{n}'"))}: a loaded model or one changed with ChangeModelThreshold " +
                "does not carry PredictedLabel's threshold into the export; set it with ChangeSequenceAnomalyThreshold, whose model exports");

        /// <summary>
        /// Writes Score ([N, 1]) for the sequence variable <paramref name="input"/> into an ONNX export (every mode; a
        /// conditioned decoder needs a fixed-size feature column).
        /// </summary>
        internal void WriteOnnx(OnnxContext ctx, string input, string score)
        {
            int knownSteps = InputSize / FeaturesPerStep;
            using var use = _model.Use();
            var graph = new AutoencoderOnnxGraph(ctx, _model.Network, input, knownSteps);
            if (!graph.DecodersExport)
            {
                throw OnnxRefusal.For("LstmAutoencoder (SequenceAnomalyModelParameters)",
                    "column 'Score': a conditioned decoder is unrolled over the steps, which needs a fixed-size feature column; this one has a variable size");
            }
            AnomalyOnnxWriter.WriteScore(ctx, graph.Errors(), FeaturesPerStep,
                _distribution?.Mean.Select(v => (float)v).ToArray(), _distribution?.Precision.Select(v => (float)v).ToArray(), Threshold, score);
        }

        /// <summary>Releases the native network. The parameters cannot score afterwards.</summary>
        public void Dispose() => _model.Dispose();
    }
}
