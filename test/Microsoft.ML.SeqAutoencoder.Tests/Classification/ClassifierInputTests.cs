using System;
using System.Linq;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Classification
{
    /// <summary>Invalid options and unusable columns fail with messages that name what is wrong.</summary>
    public sealed class ClassifierInputTests
    {
        private const int Steps = 12;

        private readonly MLContext _ml = new MLContext(seed: 1);

        [Theory]
        [InlineData(nameof(SequenceClassifierOptions.Epochs))]
        [InlineData(nameof(SequenceClassifierOptions.BatchSize))]
        [InlineData(nameof(SequenceClassifierOptions.HeadLearningRate))]
        [InlineData(nameof(SequenceClassifierOptions.EncoderLearningRate))]
        [InlineData(nameof(SequenceClassifierOptions.FreezeEncoderEpochs))]
        [InlineData(nameof(SequenceClassifierOptions.ValidationFraction))]
        [InlineData(nameof(SequenceClassifierOptions.EarlyStoppingPatience))]
        [InlineData(nameof(SequenceClassifierOptions.GradientClipNorm))]
        [InlineData(nameof(SequenceClassifierOptions.Dropout))]
        [InlineData(nameof(SequenceClassifierOptions.EncodingSize))]
        [InlineData(nameof(SequenceClassifierOptions.HiddenSizes))]
        [InlineData(nameof(SequenceClassifierOptions.FeaturesPerStep))]
        [InlineData(nameof(SequenceClassifierOptions.LabelColumnName))]
        public void InvalidOptionNamesTheParameter(string name)
        {
            var options = ClassifierFixture.Options();
            switch (name)
            {
                case nameof(options.Epochs): options.Epochs = 0; break;
                case nameof(options.BatchSize): options.BatchSize = -1; break;
                case nameof(options.HeadLearningRate): options.HeadLearningRate = 0; break;
                case nameof(options.EncoderLearningRate): options.EncoderLearningRate = double.NaN; break;
                case nameof(options.FreezeEncoderEpochs): options.FreezeEncoderEpochs = -1; break;
                case nameof(options.ValidationFraction): options.ValidationFraction = 1; break;
                case nameof(options.EarlyStoppingPatience): options.EarlyStoppingPatience = -2; break;
                case nameof(options.GradientClipNorm): options.GradientClipNorm = -1; break;
                case nameof(options.Dropout): options.Dropout = 1; break;
                case nameof(options.EncodingSize): options.EncodingSize = 0; break;
                case nameof(options.HiddenSizes): options.HiddenSizes = new[] { 8, 0 }; break;
                case nameof(options.FeaturesPerStep): options.FeaturesPerStep = 0; break;
                case nameof(options.LabelColumnName): options.LabelColumnName = ""; break;
            }
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.LstmSequenceClassifier(options));
            Assert.Contains(name, e.Message);
        }

        [Fact]
        public void LabelThatIsNotAKeyIsRejected()
        {
            // String labels without MapValueToKey.
            IDataView data = ClassSequences.Load(_ml, ClassSequences.Generate(12, seed: 1, Steps), Steps);
            var trainer = _ml.MulticlassClassification.Trainers.LstmSequenceClassifier(ClassifierFixture.Options(epochs: 1));
            var fit = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(data));
            Assert.Contains("'Label'", fit.Message);
            Assert.Contains("key", fit.Message);
            Assert.Contains("MapValueToKey", fit.Message);
            var schema = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(SchemaShape.Create(data.Schema)));
            Assert.Contains("'Label'", schema.Message);
            Assert.Contains("MapValueToKey", schema.Message);

            // Float labels, as in binary classification.
            var numeric = _ml.Data.LoadFromEnumerable(Enumerable.Range(0, 4).Select(i => new FloatLabelRow { Values = new float[Steps], Label = i % 2 }));
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(numeric));
            Assert.Contains("Single", e.Message);
        }

        [Fact]
        public void MissingColumnsAreReported()
        {
            IDataView data = ClassSequences.Load(_ml, ClassSequences.Generate(12, seed: 1, Steps), Steps);
            var keyed = _ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(ClassRow.Label)).Fit(data).Transform(data);

            var options = ClassifierFixture.Options(epochs: 1);
            options.LabelColumnName = "Missing";
            var trainer = _ml.MulticlassClassification.Trainers.LstmSequenceClassifier(options);
            var label = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(keyed));
            Assert.Contains("'Missing'", label.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(SchemaShape.Create(keyed.Schema)));

            options = ClassifierFixture.Options(epochs: 1);
            options.LabelColumnName = "LabelKey";
            options.FeatureColumnName = "Sequence";
            trainer = _ml.MulticlassClassification.Trainers.LstmSequenceClassifier(options);
            var features = Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(keyed));
            Assert.Contains("'Sequence'", features.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => trainer.GetOutputSchema(SchemaShape.Create(keyed.Schema)));
        }

        [Fact]
        public void RowsWithAMissingLabelAreSkipped()
        {
            var rows = ClassSequences.Generate(30, seed: 1, Steps);
            IDataView data = ClassSequences.Load(_ml, rows, Steps);
            // A key mapping that knows only two of the three classes: the third becomes key 0 (missing).
            var lookup = _ml.Data.LoadFromEnumerable(new[] { new NameRow { Name = "slow" }, new NameRow { Name = "fast" } });
            var keyed = _ml.Transforms.Conversion.MapValueToKey(nameof(ClassRow.Label), keyData: lookup).Fit(data).Transform(data);
            var model = _ml.MulticlassClassification.Trainers.LstmSequenceClassifier(ClassifierFixture.Options(epochs: 1)).Fit(keyed);
            using var parameters = model.Model;
            Assert.Equal(2, parameters.ClassCount);
        }

        private sealed class FloatLabelRow
        {
            [VectorType(Steps)]
            public float[] Values { get; set; }

            public float Label { get; set; }
        }

        private sealed class NameRow
        {
            public string Name { get; set; }
        }
    }
}
