using System;
using System.Diagnostics;
using Microsoft.ML.SeqAutoencoder.Native;
using Microsoft.ML.SeqAutoencoder.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Training
{
    /// <summary>
    /// The epoch loop every trainer shares: a seeded validation split of the rows, shuffled (and, for ragged data,
    /// length-pooled) batches each in its own dispose scope, the training loss with a divergence check, the validation
    /// loss without gradients, the best epoch's weights kept and restored, early stopping, progress, cancellation, and
    /// the process-level allocator tuning around it. What differs between trainers is an <see cref="ITrainingObjective"/>.
    /// Deterministic on CPU for a given seed: every random draw comes from the seed.
    /// </summary>
    internal static class TrainingLoop
    {
        /// <summary>
        /// Trains <paramref name="network"/> on the rows of <paramref name="data"/> listed in <paramref name="rows"/>
        /// (every row when null). <paramref name="progress"/> is told about every epoch; <paramref name="checkAlive"/> is
        /// called before every batch and may throw to cancel. Throws <see cref="InvalidOperationException"/> when the
        /// training loss stops being finite.
        /// </summary>
        public static void Run(nn.Module network, SequenceSet data, int[] rows, TrainingSettings settings, ITrainingObjective objective,
            Action<EpochProgress> progress, Action checkAlive)
        {
            NativeAllocator.EnsureConfigured();
            try
            {
                var random = new Random(settings.Seed);
                var (training, validation) = BatchPlan.Split(rows ?? data.All(), settings.ValidationFraction, random);
                objective.Prepare(training);
                RunEpochs(network, data, training, validation, random, settings, objective, progress, checkAlive);
            }
            finally
            {
                objective.End();
                NativeAllocator.ReleaseFreeMemory();
            }
        }

        private static void RunEpochs(nn.Module network, SequenceSet data, int[] training, int[] validation, Random random,
            TrainingSettings settings, ITrainingObjective objective, Action<EpochProgress> progress, Action checkAlive)
        {
            using var dropout = new Generator((ulong)settings.Seed + 1, CPU);
            using var tracker = new EpochTracker(settings.Epochs, settings.EarlyStoppingPatience, progress);
            for (int epoch = 1; epoch <= settings.Epochs; epoch++)
            {
                var clock = Stopwatch.StartNew();
                bool countsTowardPatience = objective.BeginEpoch(epoch);
                network.train();
                double trainingLoss = 0;
                foreach (var (start, count) in BatchPlan.Batches(data, training, settings.BatchSize, random))
                {
                    checkAlive?.Invoke();
                    using var scope = NewDisposeScope();
                    using var batch = data.CreateBatch(training, start, count);
                    objective.ZeroGrad();
                    Tensor loss = objective.Loss(batch, training, start, count, dropout);
                    loss.backward();
                    objective.Step(settings.GradientClipNorm);
                    trainingLoss += loss.item<float>() * count;
                }
                trainingLoss /= training.Length;
                if (!double.IsFinite(trainingLoss))
                {
                    throw new InvalidOperationException(
                        $"Training diverged in epoch {epoch} (loss {trainingLoss}). Lower the learning rate or set a gradient clipping norm.");
                }

                double? validationLoss = validation.Length > 0
                    ? Evaluate(network, data, validation, settings.BatchSize, objective, checkAlive)
                    : null;
                if (tracker.EndEpoch(network, epoch, trainingLoss, validationLoss, clock.Elapsed, countsTowardPatience))
                    break;
            }
            tracker.RestoreBest(network);
            network.eval();
        }

        /// <summary>Weighted mean loss over <paramref name="rows"/>, without gradients or dropout.</summary>
        private static double Evaluate(nn.Module network, SequenceSet data, int[] rows, int batchSize, ITrainingObjective objective, Action checkAlive)
        {
            network.eval();
            using var noGrad = no_grad();
            double total = 0;
            for (int start = 0; start < rows.Length; start += batchSize)
            {
                checkAlive?.Invoke();
                int count = Math.Min(batchSize, rows.Length - start);
                using var scope = NewDisposeScope();
                using var batch = data.CreateBatch(rows, start, count);
                total += objective.Loss(batch, rows, start, count, null).item<float>() * count;
            }
            return total / rows.Length;
        }
    }

    /// <summary>
    /// What a trainer adds to the shared <see cref="TrainingLoop"/>: how the network is prepared on the training split,
    /// how a batch's loss is computed and how the optimizers step. The loop owns everything else (split, batches,
    /// dispose scopes, validation, divergence, best weights, early stopping, progress).
    /// </summary>
    internal interface ITrainingObjective
    {
        /// <summary>Prepares the network before the first epoch (e.g. fits the standardization on the training rows).</summary>
        void Prepare(int[] trainingRows);

        /// <summary>Starts epoch <paramref name="epoch"/> (1-based); returns whether it counts toward early-stopping patience.</summary>
        bool BeginEpoch(int epoch);

        /// <summary>
        /// The loss of a batch whose rows are <paramref name="rows"/>[start..start+count). In training mode dropout
        /// masks come from <paramref name="dropout"/>; in evaluation mode it is null.
        /// </summary>
        Tensor Loss(SequenceBatch batch, int[] rows, int start, int count, Generator dropout);

        /// <summary>Clears the gradients of every optimizer.</summary>
        void ZeroGrad();

        /// <summary>After <c>backward</c>: clips (per the settings) and steps the optimizers of this epoch.</summary>
        void Step(double gradientClipNorm);

        /// <summary>Called once when training ends, also on failure (e.g. to make frozen parameters trainable again).</summary>
        void End();
    }
}
