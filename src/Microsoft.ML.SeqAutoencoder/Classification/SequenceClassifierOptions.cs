using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Classification;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Options for <see cref="SequenceClassifierTrainer"/>, as used in
    /// <see cref="SequenceClassifierCatalog.LstmSequenceClassifier(MulticlassClassificationCatalog.MulticlassClassificationTrainers, SequenceClassifierOptions)"/>:
    /// the columns, the optional pretrained encoder and the learning rates, plus the encoder's shape and training (inherited).
    /// </summary>
    public sealed class SequenceClassifierOptions : SequenceNetworkOptions
    {
        /// <summary>Name of the label column: a key (use <c>MapValueToKey</c>); its key count is the number of classes.</summary>
        public string LabelColumnName = DefaultColumnNames.Label;

        /// <summary>
        /// Name of the feature column: a known- or variable-sized vector of <see cref="float"/> holding T·F values per row,
        /// step-major (step 0's F features, then step 1's, ...).
        /// </summary>
        public string FeatureColumnName = DefaultColumnNames.Features;

        /// <summary>
        /// A fitted <c>EncodeSequences</c> stage (a <see cref="SequenceEncodingTransformer"/>, or a model loaded with
        /// <c>mlContext.Model.Load</c> that is one or ends with one) whose encoder weights and input standardization
        /// initialize the classifier's encoder. It is only read, never changed; null initializes at random. Its
        /// <see cref="SequenceNetworkOptions.FeaturesPerStep"/>, <see cref="SequenceNetworkOptions.HiddenSizes"/> and
        /// <see cref="SequenceNetworkOptions.EncodingSize"/> must equal these options'. Its decoders and mode are not used:
        /// the classifier's encoder reads each whole row.
        /// </summary>
        public ITransformer PretrainedEncoder;

        /// <summary>Number of first epochs in which only the head is trained and the encoder's weights stay as they are.</summary>
        public int FreezeEncoderEpochs = Defaults.FreezeEncoderEpochs;

        /// <summary>Adam's learning rate for the classification head.</summary>
        public double HeadLearningRate = Defaults.HeadLearningRate;

        /// <summary>Adam's learning rate for the encoder (LSTM layers and projection) once it is no longer frozen.</summary>
        public double EncoderLearningRate = Defaults.EncoderLearningRate;

        internal static new class Defaults
        {
            public const int FreezeEncoderEpochs = 0;
            public const double HeadLearningRate = 0.01;
            public const double EncoderLearningRate = 0.001;
        }

        internal override void Check(IExceptionContext ectx)
        {
            base.Check(ectx);
            ectx.CheckUserArg(!string.IsNullOrEmpty(LabelColumnName), nameof(LabelColumnName), "Must not be empty.");
            ectx.CheckUserArg(!string.IsNullOrEmpty(FeatureColumnName), nameof(FeatureColumnName), "Must not be empty.");
            ectx.CheckUserArg(FreezeEncoderEpochs >= 0, nameof(FreezeEncoderEpochs), "Must be 0 or positive.");
            ectx.CheckUserArg(double.IsFinite(HeadLearningRate) && HeadLearningRate > 0, nameof(HeadLearningRate), "Must be a positive finite number.");
            ectx.CheckUserArg(double.IsFinite(EncoderLearningRate) && EncoderLearningRate > 0, nameof(EncoderLearningRate), "Must be a positive finite number.");
            if (PretrainedEncoder != null)
                CheckPretrainedEncoder(ectx);
        }

        /// <summary>
        /// The fitted autoencoder of <see cref="PretrainedEncoder"/>: the transformer itself, or the last one of a chain.
        /// Null when there is none.
        /// </summary>
        internal SequenceAutoencoderModel PretrainedAutoencoder()
            => PretrainedEncoder switch
            {
                IFittedAutoencoder fitted => fitted.Autoencoder,
                TransformerChain<ITransformer> chain when chain.LastTransformer is IFittedAutoencoder last => last.Autoencoder,
                _ => null,
            };

        /// <summary>The pretrained encoder must be an encoder of this shape; the message names both values and the option to change.</summary>
        private void CheckPretrainedEncoder(IExceptionContext ectx)
        {
            SequenceAutoencoderModel encoder = PretrainedAutoencoder();
            ectx.CheckUserArg(encoder != null, nameof(PretrainedEncoder),
                $"Expected a fitted EncodeSequences stage (or a loaded model ending with one); found {PretrainedEncoder.GetType().Name}.");
            ectx.CheckUserArg(!encoder.IsDisposed, nameof(PretrainedEncoder), "The pretrained encoder has been disposed.");
            var a = encoder.Architecture;
            ectx.CheckUserArg(a.FeaturesPerStep == FeaturesPerStep, nameof(PretrainedEncoder),
                $"The pretrained encoder reads {a.FeaturesPerStep} features per step but {nameof(FeaturesPerStep)} is {FeaturesPerStep}; set {nameof(FeaturesPerStep)} = {a.FeaturesPerStep}.");
            ectx.CheckUserArg(a.HiddenSizes.SequenceEqual(HiddenSizes), nameof(PretrainedEncoder),
                $"The pretrained encoder has hidden sizes [{string.Join(", ", a.HiddenSizes)}] but {nameof(HiddenSizes)} is [{string.Join(", ", HiddenSizes)}]; set {nameof(HiddenSizes)} to match.");
            ectx.CheckUserArg(a.EncodingSize == EncodingSize, nameof(PretrainedEncoder),
                $"The pretrained encoder's encoding size is {a.EncodingSize} but {nameof(EncodingSize)} is {EncodingSize}; set {nameof(EncodingSize)} = {a.EncodingSize}.");
        }

        /// <summary>The trainer of the network (options checked).</summary>
        internal ClassifierTrainer CreateTrainer(int classCount, int seed)
            => new ClassifierTrainer(new ClassifierArchitecture(CreateEncoderShape(), classCount), CreateTrainingSettings(seed),
                HeadLearningRate, EncoderLearningRate, FreezeEncoderEpochs);
    }
}
