using System;
using Microsoft.ML.SeqAutoencoder.Training;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Training
{
    /// <summary>The best epoch's weights: restored at the end, and a clear divergence error when no epoch had a finite loss.</summary>
    public sealed class EpochTrackerTests
    {
        [Fact]
        public void AValidationLossThatIsNeverFiniteIsReportedAsDivergenceWithTheEpochAndLoss()
        {
            using var network = torch.nn.Linear(2, 2);
            using var tracker = new EpochTracker(epochs: 3, patience: 0, progress: null);
            for (int epoch = 1; epoch <= 3; epoch++)
                tracker.EndEpoch(network, epoch, trainingLoss: 0.5, validationLoss: double.NaN, TimeSpan.Zero);
            var e = Assert.Throws<InvalidOperationException>(() => tracker.RestoreBest(network));
            Assert.Contains("diverged", e.Message);
            Assert.Contains("epoch 3", e.Message);
            Assert.Contains("NaN", e.Message);
        }

        [Fact]
        public void TheBestEpochsWeightsComeBack()
        {
            using var network = torch.nn.Linear(2, 2);
            using var tracker = new EpochTracker(epochs: 2, patience: 0, progress: null);
            float before = network.weight.data<float>()[0];
            tracker.EndEpoch(network, 1, trainingLoss: 0.5, validationLoss: 0.1, TimeSpan.Zero);
            using (torch.no_grad())
                network.weight.add_(1f);
            tracker.EndEpoch(network, 2, trainingLoss: 0.4, validationLoss: 0.2, TimeSpan.Zero);
            tracker.RestoreBest(network);
            Assert.Equal(before, network.weight.data<float>()[0]);
        }
    }
}
