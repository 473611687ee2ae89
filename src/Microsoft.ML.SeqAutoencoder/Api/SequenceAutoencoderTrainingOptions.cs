using System;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Training;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// The shape of an LSTM sequence autoencoder and how it is trained; shared by every component of this
    /// library that fits one.
    /// </summary>
    public abstract class SequenceAutoencoderTrainingOptions
    {
        /// <summary>Number of features in each time step (F). Rows hold T·F values, step-major: step 0's F features, then step 1's, ...</summary>
        public int FeaturesPerStep = Defaults.FeaturesPerStep;

        /// <summary>Length of the fixed-size code the encoder produces.</summary>
        public int EncodingSize = Defaults.EncodingSize;

        /// <summary>Sizes of the stacked encoder LSTM layers, input side first; the decoders mirror them.</summary>
        public int[] HiddenSizes = { Defaults.HiddenSize };

        /// <summary>What the decoders learn: rebuild the input, forecast the steps after it, or both.</summary>
        public SequenceAutoencoderMode Mode = SequenceAutoencoderMode.Reconstruction;

        /// <summary>
        /// Prediction and Composite modes: number of steps the prediction decoder forecasts. Each row then holds
        /// its input steps followed by this many steps to forecast; the encoder reads only the input steps.
        /// </summary>
        public int PredictionLength;

        /// <summary>Whether the reconstruction decoder is trained to rebuild the input last step first (Srivastava et al. 2015). Outputs are always in input order.</summary>
        public bool ReverseReconstruction = Defaults.ReverseReconstruction;

        /// <summary>Whether each decoder step also sees the previous step: the target while training (teacher forcing), its own output at inference.</summary>
        public bool ConditionalDecoder;

        /// <summary>Maximum number of passes over the training rows.</summary>
        public int Epochs = Defaults.Epochs;

        /// <summary>Sequences per optimizer step.</summary>
        public int BatchSize = Defaults.BatchSize;

        /// <summary>Adam's learning rate.</summary>
        public double LearningRate = Defaults.LearningRate;

        /// <summary>Maximum L2 norm of all gradients together; 0 turns clipping off.</summary>
        public double GradientClipNorm = Defaults.GradientClipNorm;

        /// <summary>Share of the training rows held out to measure validation loss for early stopping; 0 for none.</summary>
        public double ValidationFraction = Defaults.ValidationFraction;

        /// <summary>Epochs without improvement of the validation loss (training loss without validation) before training stops; 0 never stops early. The best epoch's weights are kept either way.</summary>
        public int EarlyStoppingPatience = Defaults.EarlyStoppingPatience;

        /// <summary>Dropout probability between stacked LSTM layers while training.</summary>
        public float Dropout;

        /// <summary>Conditional decoders only: probability that a teacher-forced input step is zeroed while training, so the decoder relies on the code.</summary>
        public double TeacherStepDropout = TrainingDefaults.TeacherStepDropout;

        /// <summary>Seed of weight initialization, validation split, shuffling and dropout; null takes one from the <see cref="MLContext"/>.</summary>
        public int? Seed;

        /// <summary>Rows scored per forward pass when a transformed view is read.</summary>
        public int ScoringBatchSize = Defaults.ScoringBatchSize;

        internal static class Defaults
        {
            public const int FeaturesPerStep = 1;
            public const int EncodingSize = 32;
            public const int HiddenSize = 64;
            public const bool ReverseReconstruction = true;
            public const int Epochs = 50;
            public const int BatchSize = 32;
            public const double LearningRate = 0.01;
            public const double GradientClipNorm = 1.0;
            public const double ValidationFraction = 0.1;
            // Off: LSTM autoencoders often sit on a plateau for tens of epochs before they learn (measured on
            // samples/data/heartbeats.csv), and patience counted from the first epoch stops them there.
            public const int EarlyStoppingPatience = 0;
            public const int ScoringBatchSize = 256;
        }

        private static class TrainingDefaults
        {
            public const double TeacherStepDropout = AutoencoderTrainingSettings.DefaultTeacherStepDropout;
        }

        /// <summary>Checks every option once, naming the offending one; throws <see cref="ArgumentOutOfRangeException"/>.</summary>
        internal virtual void Check(IExceptionContext ectx)
        {
            ectx.CheckUserArg(FeaturesPerStep > 0, nameof(FeaturesPerStep), "Must be positive.");
            ectx.CheckUserArg(EncodingSize > 0, nameof(EncodingSize), "Must be positive.");
            ectx.CheckUserArg(HiddenSizes != null && HiddenSizes.Length > 0, nameof(HiddenSizes), "At least one LSTM layer size is required.");
            ectx.CheckUserArg(Array.TrueForAll(HiddenSizes, h => h > 0), nameof(HiddenSizes), "Every layer size must be positive.");
            ectx.CheckUserArg(Enum.IsDefined(typeof(SequenceAutoencoderMode), Mode), nameof(Mode), "Unknown mode.");
            ectx.CheckUserArg(Mode == SequenceAutoencoderMode.Reconstruction ? PredictionLength >= 0 : PredictionLength > 0,
                nameof(PredictionLength), $"Must be positive in {Mode} mode.");
            ectx.CheckUserArg(Epochs > 0, nameof(Epochs), "Must be positive.");
            ectx.CheckUserArg(BatchSize > 0, nameof(BatchSize), "Must be positive.");
            ectx.CheckUserArg(double.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), "Must be a positive finite number.");
            ectx.CheckUserArg(GradientClipNorm >= 0, nameof(GradientClipNorm), "Must be 0 (off) or positive.");
            ectx.CheckUserArg(ValidationFraction >= 0 && ValidationFraction < 1, nameof(ValidationFraction), "Must be in [0, 1).");
            ectx.CheckUserArg(EarlyStoppingPatience >= 0, nameof(EarlyStoppingPatience), "Must be 0 (off) or positive.");
            ectx.CheckUserArg(Dropout >= 0 && Dropout < 1, nameof(Dropout), "Must be in [0, 1).");
            ectx.CheckUserArg(TeacherStepDropout >= 0 && TeacherStepDropout < 1, nameof(TeacherStepDropout), "Must be in [0, 1).");
            ectx.CheckUserArg(ScoringBatchSize > 0, nameof(ScoringBatchSize), "Must be positive.");
        }

        internal AutoencoderArchitecture CreateArchitecture()
            => new AutoencoderArchitecture(FeaturesPerStep, HiddenSizes, EncodingSize, Mode,
                Mode == SequenceAutoencoderMode.Reconstruction ? 0 : PredictionLength, ReverseReconstruction, ConditionalDecoder, Dropout);

        internal AutoencoderTrainingSettings CreateSettings(int seed)
            => new AutoencoderTrainingSettings(Epochs, BatchSize, LearningRate, GradientClipNorm, ValidationFraction,
                EarlyStoppingPatience, seed, TeacherStepDropout);
    }
}
