using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Classification;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Options for <see cref="LstmSequenceClassifierTrainer"/>, as used in
    /// <see cref="SeqAutoencoderClassificationCatalog.LstmSequenceClassifier(MulticlassClassificationCatalog.MulticlassClassificationTrainers, LstmSequenceClassifierOptions)"/>:
    /// the columns, the encoder's shape, the optional pretrained encoder and how the classifier is trained.
    /// </summary>
    public sealed class LstmSequenceClassifierOptions
    {
        /// <summary>Name of the label column: a key (use <c>MapValueToKey</c>); its key count is the number of classes.</summary>
        public string LabelColumnName = DefaultColumnNames.Label;

        /// <summary>
        /// Name of the feature column: a known- or variable-sized vector of <see cref="float"/> holding T·F values per row,
        /// step-major (step 0's F features, then step 1's, ...).
        /// </summary>
        public string FeatureColumnName = DefaultColumnNames.Features;

        /// <summary>Number of features in each time step (F).</summary>
        public int FeaturesPerStep = Defaults.FeaturesPerStep;

        /// <summary>Sizes of the stacked encoder LSTM layers, input side first.</summary>
        public int[] HiddenSizes = { Defaults.HiddenSize };

        /// <summary>Length of the encoding the classification head reads (a projection follows the last LSTM layer when it differs from its size).</summary>
        public int EncodingSize = Defaults.EncodingSize;

        /// <summary>
        /// A fitted encoding stage whose encoder weights and input standardization initialize the classifier's encoder
        /// (it is only read, never changed); null initializes at random. Its <see cref="FeaturesPerStep"/>,
        /// <see cref="HiddenSizes"/> and <see cref="EncodingSize"/> must equal these options'. Its decoders and mode are
        /// not used: the classifier's encoder reads each whole row.
        /// </summary>
        public SequenceEncodingTransformer PretrainedEncoder;

        /// <summary>Number of first epochs in which only the head is trained and the encoder's weights stay as they are.</summary>
        public int FreezeEncoderEpochs = Defaults.FreezeEncoderEpochs;

        /// <summary>Adam's learning rate for the classification head.</summary>
        public double HeadLearningRate = Defaults.HeadLearningRate;

        /// <summary>Adam's learning rate for the encoder (LSTM layers and projection) once it is no longer frozen.</summary>
        public double EncoderLearningRate = Defaults.EncoderLearningRate;

        /// <summary>Maximum number of passes over the training rows, frozen ones included.</summary>
        public int Epochs = Defaults.Epochs;

        /// <summary>Sequences per optimizer step.</summary>
        public int BatchSize = Defaults.BatchSize;

        /// <summary>Maximum L2 norm of all trained gradients together; 0 turns clipping off.</summary>
        public double GradientClipNorm = Defaults.GradientClipNorm;

        /// <summary>Share of the labeled training rows held out to measure validation loss for early stopping and the best-epoch choice; 0 for none.</summary>
        public double ValidationFraction = Defaults.ValidationFraction;

        /// <summary>
        /// Epochs after the frozen ones without improvement of the validation cross-entropy (training cross-entropy without
        /// validation) before training stops; 0 never stops early. The best epoch's weights are kept either way.
        /// </summary>
        public int EarlyStoppingPatience = Defaults.EarlyStoppingPatience;

        /// <summary>Dropout probability between stacked LSTM layers and on the encoding before the head, while training.</summary>
        public float Dropout;

        /// <summary>Seed of weight initialization, validation split, shuffling and dropout; null takes one from the <see cref="MLContext"/>.</summary>
        public int? Seed;

        internal static class Defaults
        {
            public const int FeaturesPerStep = SequenceAutoencoderTrainingOptions.Defaults.FeaturesPerStep;
            public const int HiddenSize = SequenceAutoencoderTrainingOptions.Defaults.HiddenSize;
            public const int EncodingSize = SequenceAutoencoderTrainingOptions.Defaults.EncodingSize;
            public const int FreezeEncoderEpochs = 0;
            public const double HeadLearningRate = 0.01;
            public const double EncoderLearningRate = 0.001;
            public const int Epochs = 50;
            public const int BatchSize = SequenceAutoencoderTrainingOptions.Defaults.BatchSize;
            public const double GradientClipNorm = SequenceAutoencoderTrainingOptions.Defaults.GradientClipNorm;
            public const double ValidationFraction = SequenceAutoencoderTrainingOptions.Defaults.ValidationFraction;
            public const int EarlyStoppingPatience = 0;
        }

        /// <summary>Checks every option once, naming the offending one; throws <see cref="ArgumentOutOfRangeException"/>.</summary>
        internal void Check(IExceptionContext ectx)
        {
            ectx.CheckUserArg(!string.IsNullOrEmpty(LabelColumnName), nameof(LabelColumnName), "Must not be empty.");
            ectx.CheckUserArg(!string.IsNullOrEmpty(FeatureColumnName), nameof(FeatureColumnName), "Must not be empty.");
            ectx.CheckUserArg(FeaturesPerStep > 0, nameof(FeaturesPerStep), "Must be positive.");
            ectx.CheckUserArg(HiddenSizes != null && HiddenSizes.Length > 0, nameof(HiddenSizes), "At least one LSTM layer size is required.");
            ectx.CheckUserArg(Array.TrueForAll(HiddenSizes, h => h > 0), nameof(HiddenSizes), "Every layer size must be positive.");
            ectx.CheckUserArg(EncodingSize > 0, nameof(EncodingSize), "Must be positive.");
            ectx.CheckUserArg(FreezeEncoderEpochs >= 0, nameof(FreezeEncoderEpochs), "Must be 0 or positive.");
            ectx.CheckUserArg(double.IsFinite(HeadLearningRate) && HeadLearningRate > 0, nameof(HeadLearningRate), "Must be a positive finite number.");
            ectx.CheckUserArg(double.IsFinite(EncoderLearningRate) && EncoderLearningRate > 0, nameof(EncoderLearningRate), "Must be a positive finite number.");
            ectx.CheckUserArg(Epochs > 0, nameof(Epochs), "Must be positive.");
            ectx.CheckUserArg(BatchSize > 0, nameof(BatchSize), "Must be positive.");
            ectx.CheckUserArg(GradientClipNorm >= 0, nameof(GradientClipNorm), "Must be 0 (off) or positive.");
            ectx.CheckUserArg(ValidationFraction >= 0 && ValidationFraction < 1, nameof(ValidationFraction), "Must be in [0, 1).");
            ectx.CheckUserArg(EarlyStoppingPatience >= 0, nameof(EarlyStoppingPatience), "Must be 0 (off) or positive.");
            ectx.CheckUserArg(Dropout >= 0 && Dropout < 1, nameof(Dropout), "Must be in [0, 1).");
            if (PretrainedEncoder != null)
                CheckPretrainedEncoder(ectx);
        }

        /// <summary>The pretrained encoder must have this shape; the message names both values and the option to change.</summary>
        private void CheckPretrainedEncoder(IExceptionContext ectx)
        {
            ectx.CheckUserArg(!PretrainedEncoder.IsDisposed, nameof(PretrainedEncoder), "The pretrained encoder has been disposed.");
            var a = PretrainedEncoder.Model.Architecture;
            ectx.CheckUserArg(a.FeaturesPerStep == FeaturesPerStep, nameof(PretrainedEncoder),
                $"The pretrained encoder reads {a.FeaturesPerStep} features per step but {nameof(FeaturesPerStep)} is {FeaturesPerStep}; set {nameof(FeaturesPerStep)} = {a.FeaturesPerStep}.");
            ectx.CheckUserArg(a.HiddenSizes.SequenceEqual(HiddenSizes), nameof(PretrainedEncoder),
                $"The pretrained encoder has hidden sizes [{string.Join(", ", a.HiddenSizes)}] but {nameof(HiddenSizes)} is [{string.Join(", ", HiddenSizes)}]; set {nameof(HiddenSizes)} to match.");
            ectx.CheckUserArg(a.EncodingSize == EncodingSize, nameof(PretrainedEncoder),
                $"The pretrained encoder's encoding size is {a.EncodingSize} but {nameof(EncodingSize)} is {EncodingSize}; set {nameof(EncodingSize)} = {a.EncodingSize}.");
        }

        internal ClassifierArchitecture CreateArchitecture(int classCount)
            => new ClassifierArchitecture(FeaturesPerStep, HiddenSizes, EncodingSize, classCount, Dropout);

        internal ClassifierTrainingSettings CreateSettings(int seed)
            => new ClassifierTrainingSettings(Epochs, BatchSize, HeadLearningRate, EncoderLearningRate, FreezeEncoderEpochs,
                GradientClipNorm, ValidationFraction, EarlyStoppingPatience, seed);
    }
}
