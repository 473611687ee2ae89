using System.Linq;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Microsoft.ML.SeqAutoencoder.Training;
using Microsoft.ML.SeqAutoencoder.Torch;
using Xunit;
using Xunit.Abstractions;
using static Microsoft.ML.SeqAutoencoder.Tests.TestData.SyntheticSequences;

namespace Microsoft.ML.SeqAutoencoder.Tests.Torch
{
    /// <summary>Each mode learns something real on small synthetic data.</summary>
    public sealed class AutoencoderModesTests
    {
        private const int Steps = 24;
        private readonly ITestOutputHelper _output;

        public AutoencoderModesTests(ITestOutputHelper output) => _output = output;

        [Trait("Category", QualitySeed.Category)]
        [Theory]
        [InlineData(false, false)]
        [InlineData(true, false)]
        [InlineData(false, true)]
        [InlineData(true, true)]
        public void ReconstructionRebuildsHeldOutSineMixtures(bool reverse, bool conditional)
        {
            var (train, _) = SineMixtures(512, Steps, seed: 1);
            var (test, _) = SineMixtures(64, Steps, seed: 2);
            using var model = TinyAutoencoders.Train(
                TinyAutoencoders.Architecture(reverse: reverse, conditional: conditional),
                TinyAutoencoders.Settings(), train);

            float[][] expected = Rows(test);
            float[][] rebuilt = model.Reconstruct(test);
            double mse = MeanSquaredError(expected, rebuilt);
            double variance = Variance(expected);
            _output.WriteLine($"reverse={reverse} conditional={conditional}: held-out MSE {mse:F4}, variance {variance:F4}");
            Assert.All(rebuilt, r => Assert.Equal(Steps, r.Length));
            Assert.True(mse < 0.25 * variance, $"held-out reconstruction MSE {mse} is not well below the data variance {variance}");
        }

        [Trait("Category", QualitySeed.Category)]
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void PredictionForecastsTheKnownContinuation(bool conditional)
        {
            const int future = 8;
            var (train, trainFuture) = SineMixtures(512, Steps, future, seed: 3);
            var (test, testFuture) = SineMixtures(64, Steps, future, seed: 4);
            using var model = TinyAutoencoders.Train(
                TinyAutoencoders.Architecture(SequenceAutoencoderMode.Prediction, predictionLength: future, conditional: conditional),
                TinyAutoencoders.Settings(), train, trainFuture);

            float[][] expected = Rows(testFuture);
            float[][] forecast = model.Forecast(test);
            double mse = MeanSquaredError(expected, forecast);
            // Naive baseline: repeat the last observed value.
            float[][] naive = Rows(test).Select(r => Enumerable.Repeat(r[^1], future).ToArray()).ToArray();
            double naiveMse = MeanSquaredError(expected, naive);
            _output.WriteLine($"conditional={conditional}: forecast MSE {mse:F4}, repeat-last MSE {naiveMse:F4}, variance {Variance(expected):F4}");
            Assert.All(forecast, f => Assert.Equal(future, f.Length));
            Assert.True(mse < 0.2 * Variance(expected), $"forecast MSE {mse} vs variance {Variance(expected)}");
            Assert.True(mse < 0.5 * naiveMse, $"forecast MSE {mse} does not beat repeating the last value ({naiveMse}) clearly");
        }

        [Trait("Category", QualitySeed.Category)]
        [Fact]
        public void CompositeReconstructsAndForecasts()
        {
            const int future = 6;
            var (train, trainFuture) = SineMixtures(512, Steps, future, seed: 5);
            var (test, testFuture) = SineMixtures(64, Steps, future, seed: 6);
            using var model = TinyAutoencoders.Train(
                TinyAutoencoders.Architecture(SequenceAutoencoderMode.Composite, predictionLength: future, reverse: true),
                TinyAutoencoders.Settings(), train, trainFuture);

            var outputs = model.Run(TinyAutoencoders.WithTargets(test, testFuture), 32, SequenceOutputKinds.Reconstruction | SequenceOutputKinds.Forecast);
            double reconstructionMse = MeanSquaredError(Rows(test), outputs.Select(o => o.Reconstruction).ToArray());
            double forecastMse = MeanSquaredError(Rows(testFuture), outputs.Select(o => o.Forecast).ToArray());
            _output.WriteLine($"composite: reconstruction MSE {reconstructionMse:F4}, forecast MSE {forecastMse:F4}");
            Assert.True(reconstructionMse < 0.2 * Variance(Rows(test)), $"reconstruction MSE {reconstructionMse} vs variance {Variance(Rows(test))}");
            Assert.True(forecastMse < 0.3 * Variance(Rows(testFuture)), $"forecast MSE {forecastMse} vs variance {Variance(Rows(testFuture))}");
        }

        [Trait("Category", QualitySeed.Category)]
        [Fact]
        public void MultivariateStepsAreReconstructedPerFeature()
        {
            const int features = 3;
            var (train, _) = SineMixtures(512, Steps, features: features, seed: 7);
            var (test, _) = SineMixtures(64, Steps, features: features, seed: 8);
            using var model = TinyAutoencoders.Train(
                TinyAutoencoders.Architecture(features: features, hidden: new[] { 32, 24 }),
                TinyAutoencoders.Settings(), train);

            float[][] expected = Rows(test);
            float[][] rebuilt = model.Reconstruct(test);
            for (int j = 0; j < features; j++)
            {
                float[][] e = expected.Select(r => r.Where((_, k) => k % features == j).ToArray()).ToArray();
                float[][] a = rebuilt.Select(r => r.Where((_, k) => k % features == j).ToArray()).ToArray();
                double mse = MeanSquaredError(e, a);
                _output.WriteLine($"feature {j}: MSE {mse:F4}, variance {Variance(e):F4}");
                Assert.True(mse < 0.3 * Variance(e), $"feature {j}: MSE {mse} vs variance {Variance(e)}");
            }
        }

        [Fact]
        public void ReverseAndConditionedOptionsChangeWhatIsTrained()
        {
            var (train, _) = SineMixtures(64, Steps, seed: 9);
            var settings = TinyAutoencoders.Settings(epochs: 2);
            using var plain = TinyAutoencoders.Train(TinyAutoencoders.Architecture(), settings, train);
            using var reversed = TinyAutoencoders.Train(TinyAutoencoders.Architecture(reverse: true), settings, train);
            using var conditioned = TinyAutoencoders.Train(TinyAutoencoders.Architecture(conditional: true), settings, train);

            // Same seed and shapes: only the reversed targets can make these weights differ.
            Assert.Equal(TinyAutoencoders.Weights(plain).Keys, TinyAutoencoders.Weights(reversed).Keys);
            Assert.False(TinyAutoencoders.SameWeights(plain, reversed));
            // A conditioned decoder reads code + previous step: its first LSTM layer has F more inputs.
            var plainInput = plain.Network.state_dict().First(kv => kv.Key.StartsWith("reconstruction.lstm.layers.0.weight_ih")).Value;
            var conditionedInput = conditioned.Network.state_dict().First(kv => kv.Key.StartsWith("reconstruction.lstm.layers.0.weight_ih")).Value;
            Assert.Equal(plainInput.shape[1] + 1, conditionedInput.shape[1]);
        }
    }
}
