using System;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Training;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// The shape of an LSTM sequence autoencoder and how it is trained; shared by every component of this library that
    /// fits one (<see cref="SequenceEncodingOptions"/>, <see cref="SequenceAnomalyOptions"/>, <see cref="TimeSeriesAnomalyOptions"/>).
    /// </summary>
    public abstract class SequenceAutoencoderOptions : SequenceNetworkOptions
    {
        /// <summary>What the decoders learn: rebuild the input, forecast the steps after it, or both.</summary>
        public SequenceAutoencoderMode Mode = Defaults.Mode;

        /// <summary>
        /// Prediction and Composite modes: number of steps the prediction decoder forecasts. Each row then holds its input
        /// steps followed by this many steps to forecast; the encoder reads only the input steps.
        /// </summary>
        public int PredictionLength = Defaults.PredictionLength;

        /// <summary>Whether the reconstruction decoder is trained to rebuild the input last step first (Srivastava et al. 2015). Outputs are always in input order.</summary>
        public bool ReverseReconstruction = Defaults.ReverseReconstruction;

        /// <summary>Whether each decoder step also sees the previous step: the target while training (teacher forcing), its own output at inference.</summary>
        public bool ConditionalDecoder = Defaults.ConditionalDecoder;

        /// <summary>Conditional decoders only: probability that a teacher-forced input step is zeroed while training, so the decoder relies on the code.</summary>
        public double TeacherStepDropout = Defaults.TeacherStepDropout;

        /// <summary>Adam's learning rate.</summary>
        public double LearningRate = Defaults.LearningRate;

        /// <summary>How each input feature is scaled before the network sees it, fitted on the training rows.</summary>
        public FeatureScaling FeatureScaling = Defaults.FeatureScaling;

        /// <summary>Rows scored per forward pass when a transformed view is read.</summary>
        public int ScoringBatchSize = Defaults.ScoringBatchSize;

        internal static new class Defaults
        {
            public const SequenceAutoencoderMode Mode = SequenceAutoencoderMode.Reconstruction;
            public const int PredictionLength = 0;
            public const bool ReverseReconstruction = true;
            public const bool ConditionalDecoder = false;
            // Pure teacher forcing let the decoder ignore the code (held-out free-running MSE 0.66, about the variance,
            // in a test); zeroing half of the teacher steps brought it to 0.13.
            public const double TeacherStepDropout = 0.5;
            public const double LearningRate = 0.01;
            public const int ScoringBatchSize = 256;
            public const FeatureScaling FeatureScaling = SeqAutoencoder.FeatureScaling.Standard;
        }

        internal override void Check(IExceptionContext ectx)
        {
            base.Check(ectx);
            ectx.CheckUserArg(Enum.IsDefined(Mode), nameof(Mode), "Unknown mode.");
            ectx.CheckUserArg(Mode == SequenceAutoencoderMode.Reconstruction ? PredictionLength >= 0 : PredictionLength > 0,
                nameof(PredictionLength), $"Must be positive in {Mode} mode.");
            ectx.CheckUserArg(TeacherStepDropout >= 0 && TeacherStepDropout < 1, nameof(TeacherStepDropout), "Must be in [0, 1).");
            ectx.CheckUserArg(double.IsFinite(LearningRate) && LearningRate > 0, nameof(LearningRate), "Must be a positive finite number.");
            ectx.CheckUserArg(ScoringBatchSize > 0, nameof(ScoringBatchSize), "Must be positive.");
            ectx.CheckUserArg(Enum.IsDefined(FeatureScaling), nameof(FeatureScaling), "Unknown scaling.");
        }

        /// <summary>Steps at the end of each row that the prediction decoder forecasts (0 in Reconstruction mode).</summary>
        internal int TargetSteps => Mode == SequenceAutoencoderMode.Reconstruction ? 0 : PredictionLength;

        /// <summary>The network's architecture (options checked).</summary>
        internal AutoencoderArchitecture CreateArchitecture()
            => new AutoencoderArchitecture(CreateEncoderShape(), Mode, TargetSteps, ReverseReconstruction, ConditionalDecoder);

        /// <summary>The trainer (options checked).</summary>
        internal AutoencoderTrainer CreateTrainer(int seed)
            => new AutoencoderTrainer(CreateArchitecture(), CreateTrainingSettings(seed), LearningRate, TeacherStepDropout, FeatureScaling);
    }
}
