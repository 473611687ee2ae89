using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SeqAutoencoder.Tests.Classification
{
    /// <summary>Fine-tuning from a pretrained encoder: it helps with few labels, it is checked, frozen epochs freeze.</summary>
    public sealed class PretrainedEncoderTests
    {
        private const int Steps = 24;

        private readonly MLContext _ml = new MLContext(seed: 1);
        private readonly ITestOutputHelper _output;

        public PretrainedEncoderTests(ITestOutputHelper output) => _output = output;

        private SequenceEncodingTransformer FitEncoder(int rows, int epochs, int seed = 5)
            => _ml.Transforms.EncodeSequences(new SequenceEncodingOptions
            {
                InputColumnName = nameof(ClassRow.Values), HiddenSizes = new[] { 16 }, EncodingSize = 8, Epochs = epochs,
                ValidationFraction = 0, Seed = seed,
            }).Fit(ClassSequences.Load(_ml, ClassSequences.Generate(rows, seed: 100 + seed, Steps), Steps));

        private static SequenceClassifierOptions Options(SequenceEncodingTransformer encoder, int seed, int epochs = 20, int freeze = 0)
            => new SequenceClassifierOptions
            {
                FeatureColumnName = nameof(ClassRow.Values), HiddenSizes = new[] { 16 }, EncodingSize = 8,
                PretrainedEncoder = encoder, FreezeEncoderEpochs = freeze, Epochs = epochs, BatchSize = 8,
                HeadLearningRate = 0.01, EncoderLearningRate = 0.003, ValidationFraction = 0, Seed = seed,
            };

        private double Accuracy(SequenceClassifierOptions options, IDataView train, IDataView test)
        {
            var pipeline = _ml.Transforms.Conversion.MapValueToKey(nameof(ClassRow.Label))
                .Append(_ml.MulticlassClassification.Trainers.LstmSequenceClassifier(options));
            var model = pipeline.Fit(train);
            try
            {
                return _ml.MulticlassClassification.Evaluate(model.Transform(test)).MicroAccuracy;
            }
            finally
            {
                model.LastTransformer.Model.Dispose();
            }
        }

        [Fact]
        public void PretrainedInitializationBeatsRandomWithFewLabels()
        {
            var clock = Stopwatch.StartNew();
            using var encoder = FitEncoder(rows: 400, epochs: 30);
            _output.WriteLine($"autoencoder on 400 unlabeled rows: {clock.Elapsed.TotalSeconds:F1} s");
            var test = ClassSequences.Load(_ml, ClassSequences.Generate(300, seed: 2, Steps), Steps);
            var pretrained = new List<double>();
            var random = new List<double>();
            foreach (int seed in new[] { 1, 2, 3 })
            {
                var train = ClassSequences.Load(_ml, ClassSequences.Generate(12, seed: 10 + seed, Steps), Steps);
                pretrained.Add(Accuracy(Options(encoder, seed), train, test));
                random.Add(Accuracy(Options(null, seed), train, test));
                _output.WriteLine($"seed {seed}: pretrained {pretrained[^1]:F3}, random {random[^1]:F3} ({clock.Elapsed.TotalSeconds:F1} s)");
            }
            _output.WriteLine($"mean: pretrained {pretrained.Average():F3}, random {random.Average():F3}");
            Assert.True(pretrained.Average() > random.Average() + 0.15, $"pretrained {pretrained.Average():F3} vs random {random.Average():F3}");
        }

        [Fact]
        public void FrozenEpochsKeepThePretrainedEncoderAndLaterEpochsTrainIt()
        {
            using var encoder = FitEncoder(rows: 60, epochs: 2);
            var before = EncoderWeights(encoder.Model.Network.state_dict());
            var train = ClassSequences.Load(_ml, ClassSequences.Generate(60, seed: 11, Steps), Steps);
            var trainer = _ml.Transforms.Conversion.MapValueToKey(nameof(ClassRow.Label));

            // Head-only epochs: every encoder weight and the standardization are the pretrained ones; the head trained.
            var frozen = trainer.Append(_ml.MulticlassClassification.Trainers.LstmSequenceClassifier(Options(encoder, seed: 1, epochs: 2, freeze: 2))).Fit(train);
            using (var parameters = frozen.LastTransformer.Model)
            {
                var weights = parameters.Model.Network.state_dict();
                foreach (var (name, values) in before)
                    Assert.Equal(values, Values(weights[name]));
                Assert.Contains(weights.Keys, k => k.StartsWith("head.", StringComparison.Ordinal));
            }

            // Two more epochs unfrozen: the encoder moves.
            var tuned = trainer.Append(_ml.MulticlassClassification.Trainers.LstmSequenceClassifier(Options(encoder, seed: 1, epochs: 4, freeze: 2))).Fit(train);
            using (var parameters = tuned.LastTransformer.Model)
            {
                var weights = parameters.Model.Network.state_dict();
                Assert.Contains(before, w => w.Key.StartsWith("encoder.", StringComparison.Ordinal) && !w.Value.AsSpan().SequenceEqual(Values(weights[w.Key])));
                foreach (var name in new[] { "standardizer.mean", "standardizer.std" })
                    Assert.Equal(before[name], Values(weights[name]));
            }

            // The pretrained transformer itself is never changed.
            var after = EncoderWeights(encoder.Model.Network.state_dict());
            foreach (var (name, values) in before)
                Assert.Equal(values, after[name]);
        }

        [Fact]
        public void MismatchedPretrainedEncoderNamesBothValues()
        {
            using var encoder = FitEncoder(rows: 20, epochs: 1);
            SequenceClassifierTrainer Create(Action<SequenceClassifierOptions> change)
            {
                var options = Options(encoder, seed: 1);
                change(options);
                return _ml.MulticlassClassification.Trainers.LstmSequenceClassifier(options);
            }

            var hidden = Assert.Throws<ArgumentOutOfRangeException>(() => Create(o => o.HiddenSizes = new[] { 32 }));
            Assert.Contains("PretrainedEncoder", hidden.Message);
            Assert.Contains("hidden sizes [16]", hidden.Message);
            Assert.Contains("HiddenSizes is [32]", hidden.Message);

            var encoding = Assert.Throws<ArgumentOutOfRangeException>(() => Create(o => o.EncodingSize = 4));
            Assert.Contains("encoding size is 8", encoding.Message);
            Assert.Contains("EncodingSize is 4", encoding.Message);

            var features = Assert.Throws<ArgumentOutOfRangeException>(() => Create(o => o.FeaturesPerStep = 2));
            Assert.Contains("reads 1 features per step", features.Message);
            Assert.Contains("FeaturesPerStep is 2", features.Message);

            encoder.Dispose();
            var disposed = Assert.Throws<ArgumentOutOfRangeException>(() => Create(_ => { }));
            Assert.Contains("disposed", disposed.Message);
        }

        /// <summary>The encoder's entries of a state dict (standardization, LSTM layers, projection), copied out.</summary>
        private static Dictionary<string, float[]> EncoderWeights(IDictionary<string, TorchSharp.torch.Tensor> stateDict)
            => stateDict.Where(p => p.Key.StartsWith("standardizer.", StringComparison.Ordinal) || p.Key.StartsWith("encoder.", StringComparison.Ordinal)
                    || p.Key.StartsWith("projection.", StringComparison.Ordinal))
                .ToDictionary(p => p.Key, p => Values(p.Value));

        private static float[] Values(TorchSharp.torch.Tensor tensor) => tensor.contiguous().data<float>().ToArray();
    }
}
