using System;
using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.Anomaly;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Scoring;
using Microsoft.ML.Trainers;

[assembly: LoadableClass(typeof(LstmAutoencoderModelParameters), null, typeof(SignatureLoadModel),
    "LSTM Autoencoder Anomaly Executor", LstmAutoencoderModelParameters.LoaderSignature)]

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Model parameters for <see cref="LstmAutoencoderAnomalyTrainer"/>: the fitted autoencoder, the error
    /// distribution (Mahalanobis scoring) and the raw score threshold.
    /// </summary>
    /// <remarks>
    /// The score of a row is its raw score s normalized as s / (s + <see cref="Threshold"/>): in [0, 1), increasing
    /// with s, and exactly 0.5 at the learned threshold, which is the default threshold of
    /// <see cref="AnomalyPredictionTransformer{TModel}"/>. The parameters hold a native (libtorch) network:
    /// dispose them when done.
    /// </remarks>
    public sealed class LstmAutoencoderModelParameters : ModelParametersBase<float>, IValueMapper, IDisposable
    {
        internal const string LoaderSignature = "LstmAeAnomalyExec";
        internal const string RegistrationName = "LstmAutoencoderAnomalyPredictor";
        private const string NetworkStreamName = "SequenceAutoencoder";

        private readonly SequenceAutoencoderModel _model;
        private readonly SequenceErrorScorer _scorer;
        private readonly MahalanobisDistribution _distribution;
        private readonly SequenceColumn _column;
        private readonly DataViewType _inputType;
        private bool _disposed;

        internal LstmAutoencoderModelParameters(IHostEnvironment env, SequenceAutoencoderModel model, AnomalyScoringMethod scoringMethod,
            MahalanobisDistribution distribution, double threshold, string featureColumnName, int inputSize)
            : base(env, RegistrationName)
        {
            Host.CheckValue(model, nameof(model));
            Host.CheckParam(scoringMethod != AnomalyScoringMethod.Mahalanobis || distribution != null, nameof(distribution));
            Host.CheckParam(double.IsFinite(threshold) && threshold > 0, nameof(threshold), "Must be a positive finite number.");
            _model = model;
            _scorer = new SequenceErrorScorer(model);
            ScoringMethod = scoringMethod;
            _distribution = scoringMethod == AnomalyScoringMethod.Mahalanobis ? distribution : null;
            Threshold = threshold;
            FeatureColumnName = featureColumnName;
            InputSize = inputSize;
            _column = new SequenceColumn(featureColumnName, model.Architecture.FeaturesPerStep, _scorer.MinimumSteps);
            _inputType = new VectorDataViewType(NumberDataViewType.Single, inputSize);
        }

        private static VersionInfo GetVersionInfo()
            => new VersionInfo(
                modelSignature: "LSTMAEAD",
                verWrittenCur: 0x00010001, // Initial
                verReadableCur: 0x00010001,
                verWeCanReadBack: 0x00010001,
                loaderSignature: LoaderSignature,
                loaderAssemblyName: typeof(LstmAutoencoderModelParameters).Assembly.FullName);

        /// <summary>How a row's errors become its raw score.</summary>
        public AnomalyScoringMethod ScoringMethod { get; }

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

        /// <summary><see cref="AnomalyScoringMethod.Mahalanobis"/>: mean μ of the held-out error vectors (F values); null otherwise.</summary>
        public IReadOnlyList<double> ErrorMean => _distribution?.Mean;

        /// <summary><see cref="AnomalyScoringMethod.Mahalanobis"/>: (Σ + λ·I)⁻¹, row-major F×F; null otherwise.</summary>
        public IReadOnlyList<double> ErrorPrecision => _distribution?.Precision;

        /// <summary>Anomaly detection.</summary>
        protected override PredictionKind PredictionKind => PredictionKind.AnomalyDetection;

        internal SequenceAutoencoderModel Model => _model;

        internal SequenceErrorScorer Scorer => _scorer;

        internal MahalanobisDistribution Distribution => _distribution;

        private LstmAutoencoderModelParameters(IHostEnvironment env, ModelLoadContext ctx)
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
            ScoringMethod = (AnomalyScoringMethod)ctx.Reader.ReadInt32();
            Host.CheckDecode(Enum.IsDefined(typeof(AnomalyScoringMethod), ScoringMethod));
            Threshold = ctx.Reader.ReadDouble();
            Host.CheckDecode(double.IsFinite(Threshold) && Threshold > 0);
            FeatureColumnName = ctx.LoadNonEmptyString();
            InputSize = ctx.Reader.ReadInt32();
            Host.CheckDecode(InputSize >= 0);
            bool hasDistribution = ctx.Reader.ReadBoolean();
            Host.CheckDecode(hasDistribution == (ScoringMethod == AnomalyScoringMethod.Mahalanobis));
            SequenceAutoencoderModel model = null;
            ModelStreams.LoadBinaryStream(ctx, NetworkStreamName, r => model = SequenceAutoencoderModel.Load(r.BaseStream));
            _model = model;
            _distribution = hasDistribution ? MahalanobisDistribution.Load(ctx.Reader, model.Architecture.FeaturesPerStep) : null;
            _scorer = new SequenceErrorScorer(model);
            _column = new SequenceColumn(FeatureColumnName, model.Architecture.FeaturesPerStep, _scorer.MinimumSteps);
            _inputType = new VectorDataViewType(NumberDataViewType.Single, InputSize);
        }

        // Factory method for SignatureLoadModel.
        internal static LstmAutoencoderModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            return new LstmAutoencoderModelParameters(env, ctx);
        }

        /// <summary>Saves the parameters and the network into the model file.</summary>
        protected override void SaveCore(ModelSaveContext ctx)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            base.SaveCore(ctx);
            ctx.SetVersionInfo(GetVersionInfo());

            // *** Binary format ***: see Create.
            ctx.Writer.Write((int)ScoringMethod);
            ctx.Writer.Write(Threshold);
            ctx.SaveNonEmptyString(FeatureColumnName);
            ctx.Writer.Write(InputSize);
            ctx.Writer.Write(_distribution != null);
            _distribution?.Save(ctx.Writer);
            ModelStreams.SaveBinaryStream(ctx, NetworkStreamName, w => _model.Save(w.BaseStream));
        }

        DataViewType IValueMapper.InputType => _inputType;

        DataViewType IValueMapper.OutputType => NumberDataViewType.Single;

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>));
            Host.Check(typeof(TOut) == typeof(float));
            ValueMapper<VBuffer<float>, float> mapper =
                (in VBuffer<float> src, ref float dst) => dst = Normalize(RawScore(_column.Read(Host, in src, -1)));
            return (ValueMapper<TIn, TOut>)(Delegate)mapper;
        }

        /// <summary>s / (s + threshold), in [0, 1), 0.5 at the threshold.</summary>
        internal float Normalize(double raw) => (float)(raw / (raw + Threshold));

        /// <summary>The raw score of one validated row.</summary>
        internal double RawScore(float[] row)
            => RawScores(new[] { row }, 1)[0];

        /// <summary>Raw scores of validated rows, in forward passes of up to <paramref name="batchSize"/> rows.</summary>
        internal double[] RawScores(IReadOnlyList<float[]> rows, int batchSize)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            double[][] errors = _scorer.Errors(rows, batchSize);
            var scores = new double[rows.Count];
            for (int i = 0; i < scores.Length; i++)
                scores[i] = SequenceErrorScorer.RowScore(errors[i], FeaturesPerStep, _distribution);
            return scores;
        }

        /// <summary>Per-step scores of validated rows (their mean is the raw score), in forward passes of up to <paramref name="batchSize"/> rows.</summary>
        internal double[][] StepScores(IReadOnlyList<float[]> rows, int batchSize)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            double[][] errors = _scorer.Errors(rows, batchSize);
            var scores = new double[rows.Count][];
            for (int i = 0; i < scores.Length; i++)
                scores[i] = SequenceErrorScorer.StepScores(errors[i], FeaturesPerStep, _distribution);
            return scores;
        }

        /// <summary>Independent parameters with a copy of the network, for components that must own theirs.</summary>
        internal LstmAutoencoderModelParameters Clone(IHostEnvironment env)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return new LstmAutoencoderModelParameters(env, _model.Clone(), ScoringMethod, _distribution, Threshold, FeatureColumnName, InputSize);
        }

        /// <summary>Releases the native network. The parameters cannot score afterwards.</summary>
        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            _model.Dispose();
        }
    }
}
