using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Native;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Classification
{
    /// <summary>
    /// Fits a <see cref="SequenceClassifierNetwork"/> with cross-entropy: the encoder either starts from a fitted
    /// autoencoder's encoder and standardization or from a seeded initialization with standardization fitted on the
    /// training split; the head always starts from the seeded initialization. Two Adam optimizers (head and encoder,
    /// each with its own learning rate); for the first <see cref="ClassifierTrainingSettings.FreezeEncoderEpochs"/>
    /// epochs the encoder takes no gradient and its optimizer does not step. Validation split, early stopping and
    /// best-weights restore as in <see cref="AutoencoderTrainer"/>; every batch runs in its own dispose scope.
    /// Deterministic on CPU for a given seed.
    /// </summary>
    internal sealed class ClassifierTrainer
    {
        private readonly ClassifierArchitecture _architecture;
        private readonly ClassifierTrainingSettings _settings;

        public ClassifierTrainer(ClassifierArchitecture architecture, ClassifierTrainingSettings settings)
        {
            _architecture = architecture ?? throw new ArgumentNullException(nameof(architecture));
            _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        }

        /// <summary>
        /// Trains on <paramref name="inputs"/> with class indices <paramref name="labels"/> (0..K-1), starting the
        /// encoder from <paramref name="pretrained"/> when given (only read). <paramref name="progress"/> is told
        /// about every epoch; <paramref name="checkAlive"/> is called before every batch and may throw to cancel.
        /// </summary>
        public SequenceClassifierModel Train(SequenceSet inputs, int[] labels, SequenceAutoencoderNetwork pretrained = null,
            Action<EpochProgress> progress = null, Action checkAlive = null)
        {
            CheckData(inputs, labels, pretrained);
            NativeAllocator.EnsureConfigured();

            var random = new Random(_settings.Seed);
            var (training, validation) = BatchPlan.Split(inputs.Count, _settings.ValidationFraction, random);

            var network = new SequenceClassifierNetwork(_architecture, _settings.Seed);
            try
            {
                if (pretrained is not null)
                {
                    network.CopyEncoderFrom(pretrained);
                }
                else
                {
                    var (mean, std) = inputs.FeatureMoments(training);
                    network.Standardizer.Set(mean, std);
                }
                RunEpochs(network, inputs, labels, training, validation, random, progress, checkAlive);
                return new SequenceClassifierModel(network);
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

        private void RunEpochs(SequenceClassifierNetwork network, SequenceSet inputs, int[] labels,
            int[] training, int[] validation, Random random, Action<EpochProgress> progress, Action checkAlive)
        {
            using var dropout = new Generator((ulong)_settings.Seed + 1, CPU);
            var encoderParameters = network.EncoderParameters().ToArray();
            var headParameters = network.HeadParameters().ToArray();
            using var headOptimizer = optim.Adam(headParameters, _settings.HeadLearningRate);
            using var encoderOptimizer = optim.Adam(encoderParameters, _settings.EncoderLearningRate);
            using var tracker = new EpochTracker(_settings.Epochs, _settings.EarlyStoppingPatience, progress);
            try
            {
                for (int epoch = 1; epoch <= _settings.Epochs; epoch++)
                {
                    var clock = Stopwatch.StartNew();
                    bool frozen = epoch <= _settings.FreezeEncoderEpochs;
                    SetTrainable(encoderParameters, !frozen);
                    var trained = frozen ? headParameters : headParameters.Concat(encoderParameters).ToArray();
                    network.train();
                    double trainingLoss = 0;
                    foreach (var (start, count) in BatchPlan.Batches(inputs, training, _settings.BatchSize, random))
                    {
                        checkAlive?.Invoke();
                        using var scope = NewDisposeScope();
                        using var batch = inputs.CreateBatch(training, start, count);
                        using var target = Targets(labels, training, start, count);
                        headOptimizer.zero_grad();
                        encoderOptimizer.zero_grad();
                        Tensor loss = nn.functional.cross_entropy(network.Logits(batch, dropout), target);
                        loss.backward();
                        if (_settings.GradientClipNorm > 0)
                            nn.utils.clip_grad_norm_(trained, _settings.GradientClipNorm);
                        headOptimizer.step();
                        if (!frozen)
                            encoderOptimizer.step();
                        trainingLoss += loss.item<float>() * count;
                    }
                    trainingLoss /= training.Length;
                    if (!double.IsFinite(trainingLoss))
                    {
                        throw new InvalidOperationException(
                            $"Training diverged in epoch {epoch} (loss {trainingLoss}). Lower the learning rates or set a gradient clipping norm.");
                    }

                    double? validationLoss = validation.Length > 0 ? Evaluate(network, inputs, labels, validation, checkAlive) : null;
                    // Head-only epochs do not use up the patience: the encoder has not been trained yet.
                    if (tracker.EndEpoch(network, epoch, trainingLoss, validationLoss, clock.Elapsed, countsTowardPatience: !frozen))
                        break;
                }
                tracker.RestoreBest(network);
                network.eval();
            }
            finally
            {
                SetTrainable(encoderParameters, true);
            }
        }

        /// <summary>Weighted mean cross-entropy over <paramref name="indices"/>, without gradients or dropout.</summary>
        private double Evaluate(SequenceClassifierNetwork network, SequenceSet inputs, int[] labels, int[] indices, Action checkAlive)
        {
            network.eval();
            using var noGrad = no_grad();
            double total = 0;
            for (int start = 0; start < indices.Length; start += _settings.BatchSize)
            {
                checkAlive?.Invoke();
                int count = Math.Min(_settings.BatchSize, indices.Length - start);
                using var scope = NewDisposeScope();
                using var batch = inputs.CreateBatch(indices, start, count);
                using var target = Targets(labels, indices, start, count);
                total += nn.functional.cross_entropy(network.Logits(batch, null), target).item<float>() * count;
            }
            return total / indices.Length;
        }

        /// <summary>(B) int64 class indices of the sequences at <paramref name="indices"/>[start..start+count).</summary>
        private static Tensor Targets(int[] labels, int[] indices, int start, int count)
        {
            var values = new long[count];
            for (int b = 0; b < count; b++)
                values[b] = labels[indices[start + b]];
            return tensor(values);
        }

        private static void SetTrainable(Parameter[] parameters, bool trainable)
        {
            foreach (var p in parameters)
                p.requires_grad_(trainable);
        }

        private void CheckData(SequenceSet inputs, int[] labels, SequenceAutoencoderNetwork pretrained)
        {
            if (inputs is null)
                throw new ArgumentNullException(nameof(inputs));
            if (labels is null)
                throw new ArgumentNullException(nameof(labels));
            if (inputs.FeaturesPerStep != _architecture.FeaturesPerStep)
                throw new ArgumentException($"The sequences have {inputs.FeaturesPerStep} features per step; the classifier expects {_architecture.FeaturesPerStep}.", nameof(inputs));
            if (inputs.Count == 0)
                throw new ArgumentException("There are no training sequences.", nameof(inputs));
            if (labels.Length != inputs.Count)
                throw new ArgumentException($"There are {inputs.Count} training sequences but {labels.Length} labels.", nameof(labels));
            for (int i = 0; i < labels.Length; i++)
            {
                if (labels[i] < 0 || labels[i] >= _architecture.ClassCount)
                    throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {i} is not a class index in [0, {_architecture.ClassCount}).");
            }
            if (pretrained is not null)
            {
                var a = pretrained.Architecture;
                if (a.FeaturesPerStep != _architecture.FeaturesPerStep || a.EncodingSize != _architecture.EncodingSize
                    || !a.HiddenSizes.AsSpan().SequenceEqual(_architecture.HiddenSizes))
                {
                    throw new ArgumentException("The pretrained encoder's shape differs from the classifier's.", nameof(pretrained));
                }
            }
        }
    }
}
