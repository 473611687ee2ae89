using System;
using System.Linq;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Classification
{
    /// <summary>
    /// Fits a <see cref="SequenceClassifierNetwork"/> with cross-entropy in the shared <see cref="TrainingLoop"/>. The
    /// encoder either starts from a fitted autoencoder's encoder and standardization or from a seeded initialization
    /// with standardization fitted on the training split; the head always starts from the seeded initialization. Two
    /// Adam optimizers (head and encoder, each with its own learning rate); for the first
    /// <see cref="FreezeEncoderEpochs"/> epochs the encoder takes no gradient, its optimizer does not step, and the
    /// epochs do not use up the early-stopping patience.
    /// </summary>
    internal sealed class ClassifierTrainer
    {
        private readonly ClassifierArchitecture _architecture;
        private readonly TrainingSettings _settings;

        public ClassifierTrainer(ClassifierArchitecture architecture, TrainingSettings settings,
            double headLearningRate, double encoderLearningRate, int freezeEncoderEpochs)
        {
            Contracts.AssertValue(architecture);
            Contracts.AssertValue(settings);
            Contracts.Assert(headLearningRate > 0 && encoderLearningRate > 0 && freezeEncoderEpochs >= 0);
            _architecture = architecture;
            _settings = settings;
            HeadLearningRate = headLearningRate;
            EncoderLearningRate = encoderLearningRate;
            FreezeEncoderEpochs = freezeEncoderEpochs;
        }

        /// <summary>Adam's learning rate for the head.</summary>
        public double HeadLearningRate { get; }

        /// <summary>Adam's learning rate for the encoder (LSTM layers and projection).</summary>
        public double EncoderLearningRate { get; }

        /// <summary>Number of first epochs in which only the head is trained; the encoder's weights do not change.</summary>
        public int FreezeEncoderEpochs { get; }

        /// <summary>
        /// Trains on <paramref name="data"/> with class indices <paramref name="labels"/> (0..K-1, one per row), starting
        /// the encoder from <paramref name="pretrained"/> when given (only read). <paramref name="progress"/> is told about
        /// every epoch; <paramref name="checkAlive"/> is called before every batch and may throw to cancel.
        /// </summary>
        public SequenceClassifierModel Train(SequenceSet data, int[] labels, SequenceAutoencoderNetwork pretrained = null,
            Action<EpochProgress> progress = null, Action checkAlive = null)
        {
            Contracts.Assert(data.FeaturesPerStep == _architecture.Encoder.FeaturesPerStep && labels.Length == data.Count);
            Contracts.Assert(labels.All(l => l >= 0 && l < _architecture.ClassCount));
            Contracts.Assert(pretrained is null || pretrained.Architecture.Encoder.SameWeightsAs(_architecture.Encoder));
            var network = new SequenceClassifierNetwork(_architecture, _settings.Seed);
            try
            {
                using var objective = new Objective(this, network, data, labels, pretrained);
                TrainingLoop.Run(network, data, null, _settings, objective, progress, checkAlive);
                return new SequenceClassifierModel(network);
            }
            catch
            {
                network.Dispose();
                throw;
            }
        }

        private sealed class Objective : ITrainingObjective, IDisposable
        {
            private readonly ClassifierTrainer _trainer;
            private readonly SequenceClassifierNetwork _network;
            private readonly SequenceSet _data;
            private readonly int[] _labels;
            private readonly SequenceAutoencoderNetwork _pretrained;
            private readonly Parameter[] _encoderParameters;
            private readonly Parameter[] _headParameters;
            private readonly AdamOptimizer _headOptimizer;
            private readonly AdamOptimizer _encoderOptimizer;
            private bool _frozen;

            public Objective(ClassifierTrainer trainer, SequenceClassifierNetwork network, SequenceSet data, int[] labels, SequenceAutoencoderNetwork pretrained)
            {
                _trainer = trainer;
                _network = network;
                _data = data;
                _labels = labels;
                _pretrained = pretrained;
                _encoderParameters = network.Encoder.Parameters().ToArray();
                _headParameters = network.HeadParameters().ToArray();
                _headOptimizer = new AdamOptimizer(_headParameters, trainer.HeadLearningRate);
                _encoderOptimizer = new AdamOptimizer(_encoderParameters, trainer.EncoderLearningRate);
            }

            public void Prepare(int[] trainingRows)
            {
                if (_pretrained is not null)
                {
                    _network.CopyEncoderFrom(_pretrained);
                }
                else
                {
                    var (mean, std) = _data.FeatureMoments(trainingRows);
                    _network.Encoder.Standardizer.Set(mean, std);
                }
            }

            public bool BeginEpoch(int epoch)
            {
                _frozen = epoch <= _trainer.FreezeEncoderEpochs;
                SetTrainable(_encoderParameters, !_frozen);
                // Head-only epochs do not use up the patience: the encoder has not been trained yet.
                return !_frozen;
            }

            public Tensor Loss(SequenceBatch batch, int[] rows, int start, int count, Generator dropout)
            {
                var values = new long[count];
                for (int b = 0; b < count; b++)
                    values[b] = _labels[rows[start + b]];
                using var target = tensor(values);
                return nn.functional.cross_entropy(_network.Logits(batch, dropout), target);
            }

            public void ZeroGrad()
            {
                _headOptimizer.ZeroGrad();
                _encoderOptimizer.ZeroGrad();
            }

            public void Step(double gradientClipNorm)
            {
                if (gradientClipNorm > 0)
                    nn.utils.clip_grad_norm_(_frozen ? _headParameters : _headParameters.Concat(_encoderParameters), gradientClipNorm);
                _headOptimizer.Step();
                if (!_frozen)
                    _encoderOptimizer.Step();
            }

            public void End() => SetTrainable(_encoderParameters, true);

            public void Dispose()
            {
                _headOptimizer.Dispose();
                _encoderOptimizer.Dispose();
            }

            private static void SetTrainable(Parameter[] parameters, bool trainable)
            {
                foreach (var p in parameters)
                    p.requires_grad_(trainable);
            }
        }
    }
}
