using System;

namespace Microsoft.ML.SeqAutoencoder.Training
{
    /// <summary>How the network is optimized. Validated on construction.</summary>
    internal sealed class AutoencoderTrainingSettings
    {
        public AutoencoderTrainingSettings(int epochs, int batchSize, double learningRate, double gradientClipNorm,
            double validationFraction, int earlyStoppingPatience, int seed, double teacherStepDropout = DefaultTeacherStepDropout)
        {
            if (epochs <= 0)
                throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Epochs must be positive.");
            if (batchSize <= 0)
                throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be positive.");
            if (!double.IsFinite(learningRate) || learningRate <= 0)
                throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "Learning rate must be a positive finite number.");
            if (double.IsNaN(gradientClipNorm) || gradientClipNorm < 0)
                throw new ArgumentOutOfRangeException(nameof(gradientClipNorm), gradientClipNorm, "Gradient clipping norm must be 0 (off) or positive.");
            if (double.IsNaN(validationFraction) || validationFraction < 0 || validationFraction >= 1)
                throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "Validation fraction must be in [0, 1).");
            if (earlyStoppingPatience < 0)
                throw new ArgumentOutOfRangeException(nameof(earlyStoppingPatience), earlyStoppingPatience, "Early stopping patience must be 0 (off) or positive.");

            if (double.IsNaN(teacherStepDropout) || teacherStepDropout < 0 || teacherStepDropout >= 1)
                throw new ArgumentOutOfRangeException(nameof(teacherStepDropout), teacherStepDropout, "Teacher step dropout must be in [0, 1).");

            Epochs = epochs;
            BatchSize = batchSize;
            LearningRate = learningRate;
            GradientClipNorm = gradientClipNorm;
            ValidationFraction = validationFraction;
            EarlyStoppingPatience = earlyStoppingPatience;
            Seed = seed;
            TeacherStepDropout = teacherStepDropout;
        }

        /// <summary>Default of <see cref="TeacherStepDropout"/>.</summary>
        public const double DefaultTeacherStepDropout = 0.5;

        /// <summary>Maximum number of passes over the training sequences.</summary>
        public int Epochs { get; }

        /// <summary>Sequences per optimizer step.</summary>
        public int BatchSize { get; }

        /// <summary>Adam's learning rate.</summary>
        public double LearningRate { get; }

        /// <summary>Maximum L2 norm of all gradients together; 0 turns clipping off.</summary>
        public double GradientClipNorm { get; }

        /// <summary>Share of the sequences held out to measure validation loss; 0 for none.</summary>
        public double ValidationFraction { get; }

        /// <summary>
        /// Epochs without improvement of the monitored loss (validation loss, else training loss) before
        /// training stops; 0 never stops early. The best epoch's weights are restored either way.
        /// </summary>
        public int EarlyStoppingPatience { get; }

        /// <summary>Seed of weight initialization, validation split, shuffling and dropout.</summary>
        public int Seed { get; }

        /// <summary>
        /// Conditioned decoders only: probability that a teacher-forced input step is replaced by zeros while
        /// training ("word dropout", Bowman et al. 2016). Pure teacher forcing lets the decoder learn to
        /// continue the previous step and ignore the code, which fails when it runs on its own outputs.
        /// </summary>
        public double TeacherStepDropout { get; }
    }
}
