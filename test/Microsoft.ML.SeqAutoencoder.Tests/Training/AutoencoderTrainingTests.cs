using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Native;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Microsoft.ML.SeqAutoencoder.Training;
using TorchSharp;
using Microsoft.ML.SeqAutoencoder.Torch;
using Xunit;
using static Microsoft.ML.SeqAutoencoder.Tests.TestData.SyntheticSequences;

namespace Microsoft.ML.SeqAutoencoder.Tests.Training
{
    /// <summary>The training loop: determinism, early stopping, progress, memory.</summary>
    public sealed class AutoencoderTrainingTests
    {
        [Fact]
        public void SameSeedGivesBitIdenticalWeightsAndDifferentSeedsDiffer()
        {
            var (train, _) = SineMixtures(96, 16, seed: 11);
            var architecture = TinyAutoencoders.Architecture(hidden: new[] { 16, 12 }, encodingSize: 8, dropout: 0.2f, conditional: true);
            using var a = TinyAutoencoders.Train(architecture, TinyAutoencoders.Settings(epochs: 3, validation: 0.25, seed: 5), train);
            using var b = TinyAutoencoders.Train(architecture, TinyAutoencoders.Settings(epochs: 3, validation: 0.25, seed: 5), train);
            using var c = TinyAutoencoders.Train(architecture, TinyAutoencoders.Settings(epochs: 3, validation: 0.25, seed: 6), train);

            Assert.True(TinyAutoencoders.SameWeights(a, b), "two trainings with one seed differ");
            Assert.False(TinyAutoencoders.SameWeights(a, c), "two seeds gave identical weights");
        }

        [Fact]
        public void EarlyStoppingStopsAfterPatienceAndRestoresTheBestEpoch()
        {
            var (train, _) = SineMixtures(64, 16, seed: 12);
            var architecture = TinyAutoencoders.Architecture(hidden: new[] { 16 }, encodingSize: 8);
            // A high learning rate makes the validation loss bounce, so the best epoch is not the last.
            var progress = new List<EpochProgress>();
            using var stopped = TinyAutoencoders.Train(architecture,
                TinyAutoencoders.Settings(epochs: 40, learningRate: 0.08, clip: 0, validation: 0.3, patience: 3, seed: 2), train, progress: progress);

            int best = progress.Last(p => p.IsBest).Epoch;
            Assert.All(progress, p => Assert.NotNull(p.ValidationLoss));
            Assert.True(progress.Count < 40, "training did not stop early");
            Assert.Equal(best + 3, progress.Count);
            Assert.Equal(progress.Where(p => p.ValidationLoss.HasValue).Min(p => p.ValidationLoss.Value), progress[best - 1].ValidationLoss.Value);

            // Training is deterministic, so a run that ends at the best epoch has exactly the restored weights.
            using var reference = TinyAutoencoders.Train(architecture,
                TinyAutoencoders.Settings(epochs: best, learningRate: 0.08, clip: 0, validation: 0.3, seed: 2), train);
            Assert.True(TinyAutoencoders.SameWeights(stopped, reference), "the best epoch's weights were not restored");
        }

        [Trait("Category", QualitySeed.Category)]
        [Fact]
        public void ProgressIsReportedForEveryEpoch()
        {
            var (train, _) = SineMixtures(48, 12, seed: 13);
            var progress = new List<EpochProgress>();
            using var model = TinyAutoencoders.Train(TinyAutoencoders.Architecture(hidden: new[] { 8 }, encodingSize: 4),
                TinyAutoencoders.Settings(epochs: 4), train, progress: progress);

            Assert.Equal(new[] { 1, 2, 3, 4 }, progress.Select(p => p.Epoch));
            Assert.All(progress, p =>
            {
                Assert.Equal(4, p.Epochs);
                Assert.True(double.IsFinite(p.TrainingLoss) && p.TrainingLoss > 0);
                Assert.Null(p.ValidationLoss);
                Assert.True(p.Seconds > 0);
            });
            Assert.True(progress[^1].TrainingLoss < progress[0].TrainingLoss, "loss did not go down");
        }

        [Fact]
        public void NoTensorOutlivesItsBatch()
        {
            // Sequences of different lengths exercise the masked and gathered paths too.
            var set = new SequenceSet(2);
            var random = new Random(3);
            for (int i = 0; i < 80; i++)
                set.Add(Enumerable.Range(0, 2 * (6 + i % 7)).Select(_ => (float)random.NextDouble()).ToArray());
            var live = new List<long>();
            using var model = TinyAutoencoders.Trainer(
                TinyAutoencoders.Architecture(SequenceAutoencoderMode.Reconstruction, features: 2, hidden: new[] { 8 }, encodingSize: 4, conditional: true, reverse: true, dropout: 0.1f),
                TinyAutoencoders.Settings(epochs: 6, batchSize: 16, validation: 0.2))
                .Train(set, null, _ => live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount));

            // Optimizer state appears in the first epoch; from then on the count of live tensors is flat.
            Assert.Equal(6, live.Count);
            Assert.All(live.Skip(1), count => Assert.Equal(live[1], count));
        }

        [Fact]
        public void NativeAllocatorIsTunedOnLinuxGlibcUnlessDisabled()
        {
            var (train, _) = SineMixtures(8, 4, seed: 14);
            using var model = TinyAutoencoders.Train(TinyAutoencoders.Architecture(hidden: new[] { 4 }, encodingSize: 4), TinyAutoencoders.Settings(epochs: 1), train);

            NativeAllocatorState state = NativeAllocator.State;
            if (!OperatingSystem.IsLinux())
                Assert.Equal(NativeAllocatorState.NotGlibc, state);
            else if (Environment.GetEnvironmentVariable(NativeAllocator.DisableEnvironmentVariable) == "1")
                Assert.Equal(NativeAllocatorState.DisabledByUser, state);
            else
                Assert.Equal(NativeAllocatorState.Applied, state);
            // Freed heap memory can be handed back after training exactly when the tuning is applied.
            Assert.Equal(state == NativeAllocatorState.Applied, NativeAllocator.ReleaseFreeMemory());
        }
    }
}
