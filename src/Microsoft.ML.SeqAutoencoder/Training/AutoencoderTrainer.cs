using System;
using System.Diagnostics;
using Microsoft.ML.SeqAutoencoder.Native;
using Microsoft.ML.SeqAutoencoder.Scoring;
using Microsoft.ML.SeqAutoencoder.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Training
{
    /// <summary>
    /// Fits a <see cref="SequenceAutoencoderNetwork"/>: standardization on the training split, Adam,
    /// optional gradient clipping, a seeded validation split with early stopping, and the best epoch's
    /// weights restored at the end. Every batch runs in its own dispose scope, so no tensor outlives it.
    /// Deterministic on CPU for a given seed: nothing draws from libtorch's global generator.
    /// </summary>
    internal sealed class AutoencoderTrainer
    {
        private readonly AutoencoderArchitecture _architecture;
        private readonly AutoencoderTrainingSettings _settings;

        public AutoencoderTrainer(AutoencoderArchitecture architecture, AutoencoderTrainingSettings settings)
        {
            _architecture = architecture ?? throw new ArgumentNullException(nameof(architecture));
            _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        }

        /// <summary>
        /// Trains on <paramref name="inputs"/>; <paramref name="future"/> holds, for each input, the
        /// PredictionLength steps that follow it (required with a prediction decoder, ignored otherwise).
        /// <paramref name="progress"/> is told about every epoch; <paramref name="checkAlive"/> is called
        /// before every batch and may throw to cancel.
        /// </summary>
        public SequenceAutoencoderModel Train(SequenceSet inputs, SequenceSet future = null,
            Action<EpochProgress> progress = null, Action checkAlive = null)
        {
            CheckData(inputs, ref future);
            NativeAllocator.EnsureConfigured();

            var random = new Random(_settings.Seed);
            var (training, validation) = BatchPlan.Split(inputs.Count, _settings.ValidationFraction, random);

            var network = new SequenceAutoencoderNetwork(_architecture, _settings.Seed);
            try
            {
                var (mean, std) = inputs.FeatureMoments(training);
                network.Standardizer.Set(mean, std);
                RunEpochs(network, inputs, future, training, validation, random, progress, checkAlive);
                return new SequenceAutoencoderModel(network);
            }
            catch
            {
                network.Dispose();
                throw;
            }
            finally
            {
                NativeAllocator.ReleaseFreeMemory();
            }
        }

        private void RunEpochs(SequenceAutoencoderNetwork network, SequenceSet inputs, SequenceSet future,
            int[] training, int[] validation, Random random, Action<EpochProgress> progress, Action checkAlive)
        {
            using var dropout = new Generator((ulong)_settings.Seed + 1, CPU);
            using var optimizer = optim.Adam(network.parameters(), _settings.LearningRate);
            using var tracker = new EpochTracker(_settings.Epochs, _settings.EarlyStoppingPatience, progress);
            for (int epoch = 1; epoch <= _settings.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                network.train();
                double trainingLoss = 0;
                foreach (var (start, count) in BatchPlan.Batches(inputs, training, _settings.BatchSize, random))
                {
                    checkAlive?.Invoke();
                    using var scope = NewDisposeScope();
                    using var batch = inputs.CreateBatch(training, start, count, future);
                    optimizer.zero_grad();
                    Tensor loss = network.Loss(batch, dropout, (float)_settings.TeacherStepDropout);
                    loss.backward();
                    if (_settings.GradientClipNorm > 0)
                        nn.utils.clip_grad_norm_(network.parameters(), _settings.GradientClipNorm);
                    optimizer.step();
                    trainingLoss += loss.item<float>() * count;
                }
                trainingLoss /= training.Length;
                if (!double.IsFinite(trainingLoss))
                {
                    throw new InvalidOperationException(
                        $"Training diverged in epoch {epoch} (loss {trainingLoss}). Lower the learning rate or set a gradient clipping norm.");
                }

                double? validationLoss = validation.Length > 0 ? Evaluate(network, inputs, future, validation, checkAlive) : null;
                if (tracker.EndEpoch(network, epoch, trainingLoss, validationLoss, clock.Elapsed))
                    break;
            }
            tracker.RestoreBest(network);
            network.eval();
        }

        /// <summary>Weighted mean loss over <paramref name="indices"/>, without gradients or dropout.</summary>
        private double Evaluate(SequenceAutoencoderNetwork network, SequenceSet inputs, SequenceSet future, int[] indices, Action checkAlive)
        {
            network.eval();
            using var noGrad = no_grad();
            double total = 0;
            for (int start = 0; start < indices.Length; start += _settings.BatchSize)
            {
                checkAlive?.Invoke();
                int count = Math.Min(_settings.BatchSize, indices.Length - start);
                using var scope = NewDisposeScope();
                using var batch = inputs.CreateBatch(indices, start, count, future);
                total += network.Loss(batch, null).item<float>() * count;
            }
            return total / indices.Length;
        }

        private void CheckData(SequenceSet inputs, ref SequenceSet future)
        {
            if (inputs is null)
                throw new ArgumentNullException(nameof(inputs));
            if (inputs.FeaturesPerStep != _architecture.FeaturesPerStep)
                throw new ArgumentException($"The sequences have {inputs.FeaturesPerStep} features per step; the autoencoder expects {_architecture.FeaturesPerStep}.", nameof(inputs));
            if (inputs.Count == 0)
                throw new ArgumentException("There are no training sequences.", nameof(inputs));
            if (!_architecture.HasPredictionDecoder)
            {
                future = null;
                return;
            }
            if (future is null)
                throw new ArgumentNullException(nameof(future), $"{_architecture.Mode} mode needs the steps that follow each training sequence.");
            if (future.Count != inputs.Count)
                throw new ArgumentException($"There are {inputs.Count} training sequences but {future.Count} future sequences.", nameof(future));
            for (int i = 0; i < future.Count; i++)
            {
                if (future.Length(i) != _architecture.PredictionLength)
                    throw new ArgumentException($"Future sequence {i} has {future.Length(i)} steps; PredictionLength is {_architecture.PredictionLength}.", nameof(future));
            }
        }
    }
}
