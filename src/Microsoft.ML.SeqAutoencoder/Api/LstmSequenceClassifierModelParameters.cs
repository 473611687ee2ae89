using System;
using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.Classification;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.Trainers;

[assembly: LoadableClass(typeof(LstmSequenceClassifierModelParameters), null, typeof(SignatureLoadModel),
    "LSTM Sequence Classifier Executor", LstmSequenceClassifierModelParameters.LoaderSignature)]

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Model parameters for <see cref="LstmSequenceClassifierTrainer"/>: a fitted LSTM encoder and linear head that map
    /// a sequence to the probabilities of its classes.
    /// </summary>
    /// <remarks>
    /// The output is a vector of <see cref="ClassCount"/> softmax probabilities, in the order of the label's key values;
    /// ML.NET's <see cref="MulticlassPredictionTransformer{TModel}"/> turns it into <c>Score</c> and <c>PredictedLabel</c>.
    /// Scoring runs one row per forward pass. The parameters hold a native (libtorch) network: dispose them when done.
    /// </remarks>
    public sealed class LstmSequenceClassifierModelParameters : ModelParametersBase<VBuffer<float>>, IValueMapper, IDisposable
    {
        internal const string LoaderSignature = "LstmSeqClassifierExec";
        internal const string RegistrationName = "LstmSequenceClassifierPredictor";
        private const string NetworkStreamName = "SequenceClassifier";

        private readonly SequenceClassifierModel _model;
        private readonly SequenceColumn _column;
        private readonly DataViewType _inputType;
        private readonly DataViewType _outputType;
        private bool _disposed;

        internal LstmSequenceClassifierModelParameters(IHostEnvironment env, SequenceClassifierModel model, string featureColumnName, int inputSize)
            : base(env, RegistrationName)
        {
            Host.CheckValue(model, nameof(model));
            Host.CheckNonEmpty(featureColumnName, nameof(featureColumnName));
            Host.CheckParam(inputSize >= 0, nameof(inputSize));
            _model = model;
            FeatureColumnName = featureColumnName;
            InputSize = inputSize;
            _column = new SequenceColumn(featureColumnName, model.Architecture.FeaturesPerStep, 1);
            _inputType = new VectorDataViewType(NumberDataViewType.Single, inputSize);
            _outputType = new VectorDataViewType(NumberDataViewType.Single, model.Architecture.ClassCount);
        }

        private static VersionInfo GetVersionInfo()
            => new VersionInfo(
                modelSignature: "LSTMSQCL",
                verWrittenCur: 0x00010001, // Initial
                verReadableCur: 0x00010001,
                verWeCanReadBack: 0x00010001,
                loaderSignature: LoaderSignature,
                loaderAssemblyName: typeof(LstmSequenceClassifierModelParameters).Assembly.FullName);

        /// <summary>Name of the feature column the model was trained on (used in error messages).</summary>
        public string FeatureColumnName { get; }

        /// <summary>Number of values in each row of the training feature column, or 0 if it was of variable size.</summary>
        public int InputSize { get; }

        /// <summary>Number of classes: the length of the score vector.</summary>
        public int ClassCount => _model.Architecture.ClassCount;

        /// <summary>Number of features in each time step.</summary>
        public int FeaturesPerStep => _model.Architecture.FeaturesPerStep;

        /// <summary>Sizes of the stacked encoder LSTM layers, input side first.</summary>
        public IReadOnlyList<int> HiddenSizes => _model.Architecture.HiddenSizes;

        /// <summary>Length of the encoding the head reads.</summary>
        public int EncodingSize => _model.Architecture.EncodingSize;

        /// <summary>Multiclass classification.</summary>
        protected override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

        internal SequenceClassifierModel Model => _model;

        private LstmSequenceClassifierModelParameters(IHostEnvironment env, ModelLoadContext ctx)
            : base(env, RegistrationName, ctx)
        {
            // *** Binary format ***
            // <base>
            // string: feature column name
            // int: input size (0 = variable)
            // int: number of classes K
            // stream "SequenceClassifier": the network (architecture, standardization, weights)
            FeatureColumnName = ctx.LoadNonEmptyString();
            InputSize = ctx.Reader.ReadInt32();
            Host.CheckDecode(InputSize >= 0);
            int classCount = ctx.Reader.ReadInt32();
            SequenceClassifierModel model = null;
            ModelStreams.LoadBinaryStream(ctx, NetworkStreamName, r => model = SequenceClassifierModel.Load(r.BaseStream));
            _model = model;
            Host.CheckDecode(classCount == model.Architecture.ClassCount);
            _column = new SequenceColumn(FeatureColumnName, model.Architecture.FeaturesPerStep, 1);
            _inputType = new VectorDataViewType(NumberDataViewType.Single, InputSize);
            _outputType = new VectorDataViewType(NumberDataViewType.Single, classCount);
        }

        // Factory method for SignatureLoadModel.
        internal static LstmSequenceClassifierModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());
            return new LstmSequenceClassifierModelParameters(env, ctx);
        }

        /// <summary>Saves the parameters and the network into the model file.</summary>
        protected override void SaveCore(ModelSaveContext ctx)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            base.SaveCore(ctx);
            ctx.SetVersionInfo(GetVersionInfo());

            // *** Binary format ***: see the loading constructor.
            ctx.SaveNonEmptyString(FeatureColumnName);
            ctx.Writer.Write(InputSize);
            ctx.Writer.Write(ClassCount);
            ModelStreams.SaveBinaryStream(ctx, NetworkStreamName, w => _model.Save(w.BaseStream));
        }

        DataViewType IValueMapper.InputType => _inputType;

        DataViewType IValueMapper.OutputType => _outputType;

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>));
            Host.Check(typeof(TOut) == typeof(VBuffer<float>));
            ValueMapper<VBuffer<float>, VBuffer<float>> mapper = (in VBuffer<float> src, ref VBuffer<float> dst) =>
            {
                float[] probabilities = Probabilities(new[] { _column.Read(Host, in src, -1) }, 1)[0];
                var editor = VBufferEditor.Create(ref dst, probabilities.Length);
                probabilities.AsSpan().CopyTo(editor.Values);
                dst = editor.Commit();
            };
            return (ValueMapper<TIn, TOut>)(Delegate)mapper;
        }

        /// <summary>Class probabilities of validated rows, in forward passes of up to <paramref name="batchSize"/> rows.</summary>
        internal float[][] Probabilities(IReadOnlyList<float[]> rows, int batchSize)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _model.Probabilities(rows, batchSize);
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
