using System;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Training
{
    /// <summary>
    /// Fits a <see cref="SequenceAutoencoderNetwork"/> with Adam in the shared <see cref="TrainingLoop"/>: the
    /// standardization is fitted on the training split first; the loss is the decoders' mean squared error on
    /// standardized values. Shared by every component that fits an autoencoder (encoding, per-sequence and streaming
    /// anomaly detection).
    /// </summary>
    internal sealed class AutoencoderTrainer
    {
        private readonly AutoencoderArchitecture _architecture;
        private readonly TrainingSettings _settings;
        private readonly double _learningRate;
        private readonly double _teacherStepDropout;
        private readonly FeatureScaling _scaling;

        /// <param name="architecture">The network to build.</param>
        /// <param name="settings">The loop's settings.</param>
        /// <param name="learningRate">Adam's learning rate.</param>
        /// <param name="teacherStepDropout">
        /// Conditioned decoders only: probability that a teacher-forced input step is replaced by zeros while training
        /// ("word dropout", Bowman et al. 2016), so the decoder relies on the code instead of only continuing the
        /// previous step, which fails when it runs on its own outputs.
        /// </param>
        /// <param name="scaling">How the input features are scaled (fitted on the training split).</param>
        public AutoencoderTrainer(AutoencoderArchitecture architecture, TrainingSettings settings, double learningRate, double teacherStepDropout,
            FeatureScaling scaling = FeatureScaling.Standard)
        {
            Contracts.AssertValue(architecture);
            Contracts.AssertValue(settings);
            Contracts.Assert(learningRate > 0 && teacherStepDropout >= 0 && teacherStepDropout < 1);
            _architecture = architecture;
            _settings = settings;
            _learningRate = learningRate;
            _teacherStepDropout = teacherStepDropout;
            _scaling = scaling;
        }

        /// <summary>
        /// Trains on the rows of <paramref name="data"/> listed in <paramref name="rows"/> (all when null); the set's
        /// target steps are the forecast targets of a prediction decoder. <paramref name="progress"/> is told about
        /// every epoch; <paramref name="checkAlive"/> is called before every batch and may throw to cancel.
        /// </summary>
        public SequenceAutoencoderModel Train(SequenceSet data, int[] rows = null, Action<EpochProgress> progress = null, Action checkAlive = null)
        {
            Contracts.Assert(data.FeaturesPerStep == _architecture.FeaturesPerStep && data.TargetSteps == _architecture.PredictionLength);
            var network = new SequenceAutoencoderNetwork(_architecture, _settings.Seed);
            try
            {
                using var objective = new Objective(network, data, _learningRate, (float)_teacherStepDropout, _scaling);
                TrainingLoop.Run(network, data, rows, _settings, objective, progress, checkAlive);
                return new SequenceAutoencoderModel(network);
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }

        private sealed class Objective : ITrainingObjective, IDisposable
        {
            private readonly SequenceAutoencoderNetwork _network;
            private readonly SequenceSet _data;
            private readonly AdamOptimizer _optimizer;
            private readonly float _teacherStepDropout;
            private readonly FeatureScaling _scaling;

            public Objective(SequenceAutoencoderNetwork network, SequenceSet data, double learningRate, float teacherStepDropout, FeatureScaling scaling)
            {
                _scaling = scaling;
                _network = network;
                _data = data;
                _optimizer = new AdamOptimizer(network.parameters(), learningRate);
                _teacherStepDropout = teacherStepDropout;
            }

            public void Prepare(int[] trainingRows)
            {
                var (center, scale) = _data.FeatureScale(trainingRows, _scaling);
                _network.Encoder.Standardizer.Set(center, scale);
            }

            public bool BeginEpoch(int epoch) => true;

            public Tensor Loss(SequenceBatch batch, int[] rows, int start, int count, Generator dropout)
                => _network.Loss(batch, dropout, dropout is null ? 0 : _teacherStepDropout);

            public void ZeroGrad() => _optimizer.ZeroGrad();

            public void Step(double gradientClipNorm)
            {
                if (gradientClipNorm > 0)
                    nn.utils.clip_grad_norm_(_network.parameters(), gradientClipNorm);
                _optimizer.Step();
            }

            public void End()
            {
            }

            public void Dispose() => _optimizer.Dispose();
        }
    }
}
