using System;

namespace Microsoft.ML.SeqAutoencoder.Classification
{
    /// <summary>How a sequence classifier is optimized. Validated on construction.</summary>
    internal sealed class ClassifierTrainingSettings
    {
        public ClassifierTrainingSettings(int epochs, int batchSize, double headLearningRate, double encoderLearningRate,
            int freezeEncoderEpochs, double gradientClipNorm, double validationFraction, int earlyStoppingPatience, int seed)
        {
            if (epochs <= 0)
                throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Epochs must be positive.");
            if (batchSize <= 0)
                throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be positive.");
            if (!double.IsFinite(headLearningRate) || headLearningRate <= 0)
                throw new ArgumentOutOfRangeException(nameof(headLearningRate), headLearningRate, "The head's learning rate must be a positive finite number.");
            if (!double.IsFinite(encoderLearningRate) || encoderLearningRate <= 0)
                throw new ArgumentOutOfRangeException(nameof(encoderLearningRate), encoderLearningRate, "The encoder's learning rate must be a positive finite number.");
            if (freezeEncoderEpochs < 0)
                throw new ArgumentOutOfRangeException(nameof(freezeEncoderEpochs), freezeEncoderEpochs, "Frozen encoder epochs must be 0 or positive.");
            if (double.IsNaN(gradientClipNorm) || gradientClipNorm < 0)
                throw new ArgumentOutOfRangeException(nameof(gradientClipNorm), gradientClipNorm, "Gradient clipping norm must be 0 (off) or positive.");
            if (double.IsNaN(validationFraction) || validationFraction < 0 || validationFraction >= 1)
                throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "Validation fraction must be in [0, 1).");
            if (earlyStoppingPatience < 0)
                throw new ArgumentOutOfRangeException(nameof(earlyStoppingPatience), earlyStoppingPatience, "Early stopping patience must be 0 (off) or positive.");

            Epochs = epochs;
            BatchSize = batchSize;
            HeadLearningRate = headLearningRate;
            EncoderLearningRate = encoderLearningRate;
            FreezeEncoderEpochs = freezeEncoderEpochs;
            GradientClipNorm = gradientClipNorm;
            ValidationFraction = validationFraction;
            EarlyStoppingPatience = earlyStoppingPatience;
            Seed = seed;
        }

        /// <summary>Maximum number of passes over the training sequences, frozen ones included.</summary>
        public int Epochs { get; }

        /// <summary>Sequences per optimizer step.</summary>
        public int BatchSize { get; }

        /// <summary>Adam's learning rate for the head.</summary>
        public double HeadLearningRate { get; }

        /// <summary>Adam's learning rate for the encoder (LSTM layers and projection).</summary>
        public double EncoderLearningRate { get; }

        /// <summary>Number of first epochs in which only the head is trained; the encoder's weights do not change.</summary>
        public int FreezeEncoderEpochs { get; }

        /// <summary>Maximum L2 norm of all trained gradients together; 0 turns clipping off.</summary>
        public double GradientClipNorm { get; }

        /// <summary>Share of the sequences held out to measure validation loss; 0 for none.</summary>
        public double ValidationFraction { get; }

        /// <summary>
        /// Epochs without improvement of the monitored loss (validation cross-entropy, else training cross-entropy),
        /// counted after the frozen epochs, before training stops; 0 never stops early. The best epoch's weights are
        /// restored either way.
        /// </summary>
        public int EarlyStoppingPatience { get; }

        /// <summary>Seed of weight initialization, validation split, shuffling and dropout.</summary>
        public int Seed { get; }
    }
}
