using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Onnx;
using Microsoft.ML.SeqAutoencoder.Persistence;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.Trainers;

[assembly: LoadableClass(typeof(SequenceClassifierModelParameters), null, typeof(SignatureLoadModel),
    "LSTM Sequence Classifier Executor", SequenceClassifierModelParameters.LoaderSignature)]

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Model parameters for <see cref="SequenceClassifierTrainer"/>: a fitted LSTM encoder and linear head that map
    /// a sequence to the probabilities of its classes.
    /// </summary>
    /// <remarks>
    /// The output is a vector of <see cref="ClassCount"/> softmax probabilities, in the order of the label's key values;
    /// ML.NET's <see cref="MulticlassPredictionTransformer{TModel}"/> turns it into <c>Score</c> and <c>PredictedLabel</c>.
    /// Scoring runs one row per forward pass. The parameters hold a native (libtorch) network: dispose them when done.
    /// </remarks>
    public sealed class SequenceClassifierModelParameters : ModelParametersBase<VBuffer<float>>, IValueMapper, ISingleCanSaveOnnx, IDisposable
    {
        internal const string LoaderSignature = "LstmSeqClassifierExec";
        internal const string RegistrationName = "LstmSequenceClassifierPredictor";

        private readonly SequenceClassifierModel _model;
        private readonly SequenceColumn _column;
        private readonly DataViewType _inputType;
        private readonly DataViewType _outputType;

        internal SequenceClassifierModelParameters(IHostEnvironment env, SequenceClassifierModel model, string featureColumnName, int inputSize)
            : base(env, RegistrationName)
        {
            Host.CheckValue(model, nameof(model));
            Host.CheckNonEmpty(featureColumnName, nameof(featureColumnName));
            Host.CheckParam(inputSize >= 0, nameof(inputSize));
            _model = model;
            FeatureColumnName = featureColumnName;
            InputSize = inputSize;
            _column = new SequenceColumn(featureColumnName, FeaturesPerStep, 1);
            _inputType = new VectorDataViewType(NumberDataViewType.Single, inputSize);
            _outputType = new VectorDataViewType(NumberDataViewType.Single, model.Architecture.ClassCount);
        }

        private static VersionInfo GetVersionInfo()
            => ModelVersions.For("LSTMSQCL", LoaderSignature);

        /// <summary>Name of the feature column the model was trained on (used in error messages).</summary>
        public string FeatureColumnName { get; }

        /// <summary>Number of values in each row of the training feature column, or 0 if it was of variable size.</summary>
        public int InputSize { get; }

        /// <summary>Number of classes: the length of the score vector.</summary>
        public int ClassCount => _model.Architecture.ClassCount;

        /// <summary>Number of features in each time step.</summary>
        public int FeaturesPerStep => _model.Architecture.Encoder.FeaturesPerStep;

        /// <summary>Sizes of the stacked encoder LSTM layers, input side first.</summary>
        public IReadOnlyList<int> HiddenSizes => _model.Architecture.Encoder.HiddenSizes;

        /// <summary>Length of the encoding the head reads.</summary>
        public int EncodingSize => _model.Architecture.Encoder.EncodingSize;

        /// <summary>Multiclass classification.</summary>
        protected override PredictionKind PredictionKind => PredictionKind.MulticlassClassification;

        internal SequenceClassifierModel Model => _model;

        private SequenceClassifierModelParameters(IHostEnvironment env, ModelLoadContext ctx)
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
            Host.CheckDecode(InputSize >= 0 && InputSize <= ModelDecode.MaxValuesPerSequence);
            int classCount = ctx.Reader.ReadInt32();
            _model = ClassifierModelFormat.Load(ctx);
            if (classCount != _model.Architecture.ClassCount)
            {
                _model.Dispose();
                throw ModelDecode.Damaged($"Not a valid sequence classifier model: {classCount} classes in the parameters, {_model.Architecture.ClassCount} in the network.");
            }
            _column = new SequenceColumn(FeatureColumnName, FeaturesPerStep, 1);
            _inputType = new VectorDataViewType(NumberDataViewType.Single, InputSize);
            _outputType = new VectorDataViewType(NumberDataViewType.Single, classCount);
        }

        // Factory method for SignatureLoadModel.
        internal static SequenceClassifierModelParameters Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            ModelVersions.CheckAtModel(env, ctx, GetVersionInfo());
            return ModelDecode.Read("sequence classifier model", () => new SequenceClassifierModelParameters(env, ctx));
        }

        /// <summary>Saves the parameters and the network into the model file.</summary>
        protected override void SaveCore(ModelSaveContext ctx)
        {
            ObjectDisposedException.ThrowIf(_model.IsDisposed, this);
            base.SaveCore(ctx);
            ctx.SetVersionInfo(GetVersionInfo());

            // *** Binary format ***: see the loading constructor.
            ctx.SaveNonEmptyString(FeatureColumnName);
            ctx.Writer.Write(InputSize);
            ctx.Writer.Write(ClassCount);
            ClassifierModelFormat.Save(ctx, _model);
        }

        DataViewType IValueMapper.InputType => _inputType;

        DataViewType IValueMapper.OutputType => _outputType;

        ValueMapper<TIn, TOut> IValueMapper.GetMapper<TIn, TOut>()
        {
            Host.Check(typeof(TIn) == typeof(VBuffer<float>));
            Host.Check(typeof(TOut) == typeof(VBuffer<float>));
            ValueMapper<VBuffer<float>, VBuffer<float>> mapper = (in VBuffer<float> src, ref VBuffer<float> dst) =>
            {
                float[] scratch = null;
                var row = new SequenceSet(FeaturesPerStep);
                row.Add(_column.Read(Host, in src, -1, ref scratch));
                float[] probabilities = _model.Probabilities(row, 1)[0];
                var editor = VBufferEditor.Create(ref dst, probabilities.Length);
                probabilities.AsSpan().CopyTo(editor.Values);
                dst = editor.Commit();
            };
            return (ValueMapper<TIn, TOut>)(Delegate)mapper;
        }

        /// <summary>The class probabilities of every row of <paramref name="rows"/>, in one forward pass.</summary>
        internal float[][] Probabilities(SequenceSet rows) => _model.Probabilities(rows, Math.Max(1, rows.Count));

        /// <summary>The feature column, named <paramref name="name"/>, that this model reads.</summary>
        internal SequenceColumn FeatureColumn(string name) => new SequenceColumn(name, FeaturesPerStep, 1);

        /// <summary>Forward passes the network has run (tests count them).</summary>
        internal long ForwardPasses => _model.ForwardPasses;

        // Visited by the ONNX exporter so that it cannot skip the model (which would leave its outputs unbound or as inputs).
        bool ICanSaveOnnx.CanSaveOnnx(OnnxContext ctx) => true;

        /// <summary>
        /// ONNX export (through ML.NET's multiclass scorer): the encoder's code, the head, Score = softmax of the logits and
        /// PredictedLabel = 1 + the index of the largest, as a key. <paramref name="outputNames"/> are the PredictedLabel
        /// and Score variables; <paramref name="featureColumn"/> is the sequence column's variable.
        /// </summary>
        bool ISingleCanSaveOnnx.SaveAsOnnx(OnnxContext ctx, string[] outputNames, string featureColumn)
        {
            Host.Check(outputNames.Length == 2, "Expected the PredictedLabel and Score outputs.");
            using var use = _model.Use();
            var network = _model.Network;
            EncoderWeights weights = network.Encoder.Weights();
            var hidden = EncoderOnnxWriter.WriteLstm(ctx, weights, featureColumn);
            string code = ctx.AddIntermediateVariable(null, "Code", true);
            EncoderOnnxWriter.WriteCode(ctx, weights, hidden, code);
            var (headWeight, headBias) = network.HeadWeights();
            string logits = ctx.AddIntermediateVariable(null, "Logits", true);
            EncoderOnnxWriter.WriteLinear(ctx, code, headWeight, headBias, ClassCount, weights.EncodingSize, "Head", logits);
            var softmax = ctx.CreateNode("Softmax", new[] { logits }, new[] { outputNames[1] }, ctx.GetNodeName("Softmax"), "");
            softmax.AddAttribute("axis", 1);
            string index = EncoderOnnxWriter.Node(ctx, "ArgMax", new[] { outputNames[1] }, "ClassIndex", n =>
            {
                n.AddAttribute("axis", 1);
                n.AddAttribute("keepdims", 0);
            });
            string key = EncoderOnnxWriter.Node(ctx, "Add", new[] { index, ctx.AddInitializer(1L, "KeyOffset") }, "ClassKey");
            var cast = ctx.CreateNode("Cast", new[] { key }, new[] { outputNames[0] }, ctx.GetNodeName("Cast"), "");
            cast.AddAttribute("to", 12); // uint32, ML.NET's key type
            return true;
        }

        /// <summary>Releases the native network. The parameters cannot score afterwards.</summary>
        public void Dispose() => _model.Dispose();
    }
}
