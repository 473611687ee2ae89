using System;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Training;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Torch
{
    /// <summary>Invalid shapes, options and data fail early with clear exceptions.</summary>
    public sealed class AutoencoderValidationTests
    {
        public static TheoryData<string, Func<object>> InvalidArchitectures => new TheoryData<string, Func<object>>
        {
            { "featuresPerStep", () => new AutoencoderArchitecture(0, new[] { 8 }, 4, SequenceAutoencoderMode.Reconstruction, 0, false, false, 0) },
            { "hiddenSizes", () => new AutoencoderArchitecture(1, new int[0], 4, SequenceAutoencoderMode.Reconstruction, 0, false, false, 0) },
            { "hiddenSizes", () => new AutoencoderArchitecture(1, new[] { 8, -2 }, 4, SequenceAutoencoderMode.Reconstruction, 0, false, false, 0) },
            { "encodingSize", () => new AutoencoderArchitecture(1, new[] { 8 }, 0, SequenceAutoencoderMode.Reconstruction, 0, false, false, 0) },
            { "predictionLength", () => new AutoencoderArchitecture(1, new[] { 8 }, 4, SequenceAutoencoderMode.Prediction, 0, false, false, 0) },
            { "mode", () => new AutoencoderArchitecture(1, new[] { 8 }, 4, (SequenceAutoencoderMode)7, 0, false, false, 0) },
            { "dropout", () => new AutoencoderArchitecture(1, new[] { 8 }, 4, SequenceAutoencoderMode.Reconstruction, 0, false, false, 1f) },
            { "dropout", () => new AutoencoderArchitecture(1, new[] { 8 }, 4, SequenceAutoencoderMode.Reconstruction, 0, false, false, float.NaN) },
            { "epochs", () => new AutoencoderTrainingSettings(0, 8, 0.01, 0, 0, 0, 1) },
            { "batchSize", () => new AutoencoderTrainingSettings(1, -1, 0.01, 0, 0, 0, 1) },
            { "learningRate", () => new AutoencoderTrainingSettings(1, 8, double.NaN, 0, 0, 0, 1) },
            { "learningRate", () => new AutoencoderTrainingSettings(1, 8, 0, 0, 0, 0, 1) },
            { "gradientClipNorm", () => new AutoencoderTrainingSettings(1, 8, 0.01, -1, 0, 0, 1) },
            { "validationFraction", () => new AutoencoderTrainingSettings(1, 8, 0.01, 0, 1, 0, 1) },
            { "earlyStoppingPatience", () => new AutoencoderTrainingSettings(1, 8, 0.01, 0, 0, -1, 1) },
            { "teacherStepDropout", () => new AutoencoderTrainingSettings(1, 8, 0.01, 0, 0, 0, 1, 1.0) },
            { "featuresPerStep", () => new SequenceSet(0) },
        };

        [Theory]
        [MemberData(nameof(InvalidArchitectures))]
        public void InvalidOptionsThrowArgumentOutOfRangeNamingTheParameter(string parameter, Func<object> create)
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => create());
            Assert.Equal(parameter, e.ParamName);
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        }

        [Fact]
        public void ASequenceWithNoStepIsOutOfRange()
        {
            var set = new SequenceSet(2);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => set.Add(ReadOnlySpan<float>.Empty));
            Assert.Contains("T = 0", e.Message);
        }

        [Fact]
        public void BadSequencesAreRejectedWithTheirPosition()
        {
            var set = new SequenceSet(2);
            var e = Assert.Throws<ArgumentException>(() => set.Add(new float[] { 1, 2, 3 }));
            Assert.Contains("3 values", e.Message);
            e = Assert.Throws<ArgumentException>(() => set.Add(new float[] { 1, 2, 3, float.NaN }));
            Assert.Contains("step 1, feature 1", e.Message);
            Assert.Equal(0, set.Count);
        }

        [Fact]
        public void TrainingChecksTheDataAgainstTheArchitecture()
        {
            var trainer = new AutoencoderTrainer(
                TinyAutoencoders.Architecture(SequenceAutoencoderMode.Prediction, predictionLength: 3),
                TinyAutoencoders.Settings(epochs: 1));
            var inputs = SequenceSet.From(new[] { new float[] { 1, 2, 3, 4 } }, 1);
            Assert.Throws<ArgumentException>(() => trainer.Train(new SequenceSet(1)));
            Assert.Contains("needs the steps that follow", Assert.Throws<ArgumentNullException>(() => trainer.Train(inputs)).Message);
            var wrongFuture = SequenceSet.From(new[] { new float[] { 5, 6 } }, 1);
            Assert.Contains("PredictionLength is 3", Assert.Throws<ArgumentException>(() => trainer.Train(inputs, wrongFuture)).Message);
            var twoFeatures = SequenceSet.From(new[] { new float[] { 1, 2 } }, 2);
            Assert.Contains("expects 1", Assert.Throws<ArgumentException>(() => trainer.Train(twoFeatures)).Message);
        }
    }
}
