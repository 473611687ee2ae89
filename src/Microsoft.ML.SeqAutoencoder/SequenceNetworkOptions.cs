using System;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Training;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// What every component of this library that trains an LSTM sequence network shares: the encoder's shape and the
    /// training loop. Base of <see cref="SequenceAutoencoderOptions"/> and <see cref="SequenceClassifierOptions"/>.
    /// </summary>
    public abstract class SequenceNetworkOptions
    {
        /// <summary>Number of features in each time step (F). Rows hold T·F values, step-major: step 0's F features, then step 1's, ...</summary>
        public int FeaturesPerStep = Defaults.FeaturesPerStep;

        /// <summary>Sizes of the stacked encoder LSTM layers, input side first (an autoencoder's decoders mirror them).</summary>
        public int[] HiddenSizes = { Defaults.HiddenSize };

        /// <summary>Length of the encoding; a linear projection follows the last LSTM layer when it differs from that layer's size.</summary>
        public int EncodingSize = Defaults.EncodingSize;

        /// <summary>Dropout probability between stacked LSTM layers while training (the classifier also applies it to the encoding before its head).</summary>
        public float Dropout = Defaults.Dropout;

        /// <summary>Maximum number of passes over the training rows.</summary>
        public int Epochs = Defaults.Epochs;

        /// <summary>Sequences per optimizer step.</summary>
        public int BatchSize = Defaults.BatchSize;

        /// <summary>Maximum L2 norm of all trained gradients together; 0 turns clipping off.</summary>
        public double GradientClipNorm = Defaults.GradientClipNorm;

        /// <summary>Share of the training rows held out to measure validation loss for early stopping and the best-epoch choice; 0 for none.</summary>
        public double ValidationFraction = Defaults.ValidationFraction;

        /// <summary>
        /// Epochs without improvement of the validation loss (training loss without validation) before training stops; 0
        /// never stops early. The best epoch's weights are kept either way.
        /// </summary>
        public int EarlyStoppingPatience = Defaults.EarlyStoppingPatience;

        /// <summary>Seed of weight initialization, validation split, shuffling and dropout; null takes one from the <see cref="MLContext"/>.</summary>
        public int? Seed;

        internal static class Defaults
        {
            public const int FeaturesPerStep = 1;
            public const int HiddenSize = 64;
            public const int EncodingSize = 32;
            public const float Dropout = 0;
            public const int Epochs = 50;
            public const int BatchSize = 32;
            public const double GradientClipNorm = 1.0;
            public const double ValidationFraction = 0.1;
            // Off: LSTM autoencoders often sit on a plateau for tens of epochs before they learn (measured on
            // samples/data/heartbeats.csv), and patience counted from the first epoch stops them there.
            public const int EarlyStoppingPatience = 0;
        }

        /// <summary>Checks every option once, at the public boundary, naming the offending one; throws <see cref="ArgumentOutOfRangeException"/>.</summary>
        internal virtual void Check(IExceptionContext ectx)
        {
            ectx.CheckUserArg(FeaturesPerStep > 0 || (InfersFeaturesPerStep && FeaturesPerStep == 0), nameof(FeaturesPerStep),
                InfersFeaturesPerStep ? "Must be positive, or 0 to take it from the input column." : "Must be positive.");
            ectx.CheckUserArg(HiddenSizes != null && HiddenSizes.Length > 0, nameof(HiddenSizes), "At least one LSTM layer size is required.");
            ectx.CheckUserArg(Array.TrueForAll(HiddenSizes, h => h > 0), nameof(HiddenSizes), "Every layer size must be positive.");
            ectx.CheckUserArg(EncodingSize > 0, nameof(EncodingSize), "Must be positive.");
            ectx.CheckUserArg(Dropout >= 0 && Dropout < 1, nameof(Dropout), "Must be in [0, 1).");
            ectx.CheckUserArg(Epochs > 0, nameof(Epochs), "Must be positive.");
            ectx.CheckUserArg(BatchSize > 0, nameof(BatchSize), "Must be positive.");
            ectx.CheckUserArg(GradientClipNorm >= 0, nameof(GradientClipNorm), "Must be 0 (off) or positive.");
            ectx.CheckUserArg(ValidationFraction >= 0 && ValidationFraction < 1, nameof(ValidationFraction), "Must be in [0, 1).");
            ectx.CheckUserArg(EarlyStoppingPatience >= 0, nameof(EarlyStoppingPatience), "Must be 0 (off) or positive.");
        }

        /// <summary>Whether <see cref="FeaturesPerStep"/> may be 0, meaning: the input column's size.</summary>
        private protected virtual bool InfersFeaturesPerStep => false;

        /// <summary>A shallow copy, for resolving an option from the data without changing the user's options.</summary>
        internal SequenceNetworkOptions MemberwiseCopy() => (SequenceNetworkOptions)MemberwiseClone();

        /// <summary>The encoder's shape (options checked).</summary>
        internal EncoderShape CreateEncoderShape() => new EncoderShape(FeaturesPerStep, (int[])HiddenSizes.Clone(), EncodingSize, Dropout);

        /// <summary>The training loop's settings (options checked).</summary>
        internal TrainingSettings CreateTrainingSettings(int seed)
            => new TrainingSettings(Epochs, BatchSize, GradientClipNorm, ValidationFraction, EarlyStoppingPatience, seed);
    }
}
