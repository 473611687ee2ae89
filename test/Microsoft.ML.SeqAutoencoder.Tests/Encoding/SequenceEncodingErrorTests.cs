using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Encoding
{
    /// <summary>Bad columns, bad rows and bad options fail with messages naming the column, expected and actual.</summary>
    public sealed class SequenceEncodingErrorTests
    {
        private readonly MLContext _ml = new MLContext(seed: 1);

        private sealed class FixedRow
        {
            [VectorType(10)]
            public float[] Sequence { get; set; }

            public float Scalar { get; set; }

            [VectorType(4)]
            public double[] Doubles { get; set; }

            public string Text { get; set; }
        }

        private sealed class VariableRow
        {
            [VectorType]
            public float[] Sequence { get; set; }
        }

        private IDataView Fixed(params float[][] rows)
            => _ml.Data.LoadFromEnumerable(rows.Select(r => new FixedRow { Sequence = r, Doubles = new double[4], Text = "x" }));

        private static SequenceEncodingOptions Tiny(string input = "Sequence", int f = 1)
            => new SequenceEncodingOptions { InputColumnName = input, FeaturesPerStep = f, EncodingSize = 4, HiddenSizes = new[] { 4 }, Epochs = 1 };

        [Theory]
        [InlineData("Missing", "Missing", null)]
        [InlineData("Scalar", "Scalar", "Single")]
        [InlineData("Doubles", "Doubles", "Double")]
        [InlineData("Text", "Text", "String")]
        public void WrongOrMissingInputColumnIsASchemaMismatch(string column, string named, string actualType)
        {
            var data = Fixed(new float[10]);
            var estimator = _ml.Transforms.EncodeSequences(Tiny(column));
            var shapeError = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShape.Create(data.Schema)));
            var fitError = Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data));
            foreach (var e in new[] { shapeError, fitError })
            {
                Assert.Contains($"'{named}'", e.Message);
                if (actualType != null)
                {
                    Assert.Contains("vector of Single", e.Message);
                    Assert.Contains(actualType, e.Message);
                }
            }
        }

        [Fact]
        public void KnownSizeThatIsNotWholeStepsIsRejectedBeforeTraining()
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.EncodeSequences(Tiny(f: 3)).Fit(Fixed(new float[10])));
            Assert.Contains("'Sequence'", e.Message);
            Assert.Contains("multiple of 3", e.Message);
            Assert.Contains("10 values", e.Message);
        }

        [Fact]
        public void VariableRowsThatAreNotWholeStepsNameTheRow()
        {
            var data = _ml.Data.LoadFromEnumerable(new[]
            {
                new VariableRow { Sequence = new float[6] },
                new VariableRow { Sequence = new float[7] },
            });
            var e = Assert.Throws<InvalidOperationException>(() => _ml.Transforms.EncodeSequences(Tiny(f: 2)).Fit(data));
            Assert.Contains("Column 'Sequence', row 1", e.Message);
            Assert.Contains("multiple of 2", e.Message);
            Assert.Contains("found 7 values", e.Message);
        }

        [Fact]
        public void NonFiniteValuesNameColumnRowStepAndFeature()
        {
            var rows = Enumerable.Range(0, 3).Select(_ => new float[10]).ToArray();
            rows[2][7] = float.NaN;
            var e = Assert.Throws<InvalidOperationException>(() => _ml.Transforms.EncodeSequences(Tiny(f: 2)).Fit(Fixed(rows)));
            Assert.Contains("Column 'Sequence', row 2", e.Message);
            Assert.Contains("NaN at step 3, feature 1", e.Message);

            rows[2][7] = 0;
            using var model = _ml.Transforms.EncodeSequences(Tiny(f: 2)).Fit(Fixed(rows));
            rows[1][0] = float.PositiveInfinity;
            var scored = model.Transform(Fixed(rows));
            e = Assert.Throws<InvalidOperationException>(() => scored.GetColumn<VBuffer<float>>("Encoding").ToArray());
            Assert.Contains("Column 'Sequence', row 1", e.Message);
            Assert.Contains("∞", e.Message.Replace("Infinity", "∞"));
        }

        [Fact]
        public void ARowWithNoStepIsRejectedWithItsPosition()
        {
            var data = _ml.Data.LoadFromEnumerable(new[]
            {
                new VariableRow { Sequence = new float[4] },
                new VariableRow { Sequence = new float[0] },
            });
            var e = Assert.Throws<InvalidOperationException>(() => _ml.Transforms.EncodeSequences(Tiny(f: 2)).Fit(data));
            Assert.Contains("Column 'Sequence', row 1", e.Message);
            Assert.Contains("at least 1 step", e.Message);
            Assert.Contains("found 0 values", e.Message);
        }

        [Fact]
        public void RowsTooShortForTheForecastAreRejectedWithTheirPosition()
        {
            var options = Tiny();
            options.Mode = SequenceAutoencoderMode.Prediction;
            options.PredictionLength = 3;
            var data = _ml.Data.LoadFromEnumerable(new[]
            {
                new VariableRow { Sequence = new float[5] },
                new VariableRow { Sequence = new float[3] },
            });
            var e = Assert.Throws<InvalidOperationException>(() => _ml.Transforms.EncodeSequences(options).Fit(data));
            Assert.Contains("Column 'Sequence', row 1", e.Message);
            Assert.Contains("at least 4 steps", e.Message);
            Assert.Contains("found 3 values", e.Message);
        }

        [Fact]
        public void EmptyTrainingDataIsAClearError()
        {
            var e = Assert.Throws<InvalidOperationException>(() => _ml.Transforms.EncodeSequences(Tiny()).Fit(Fixed()));
            Assert.Contains("Column 'Sequence'", e.Message);
            Assert.Contains("no rows", e.Message);
        }

        public static TheoryData<string, Action<SequenceEncodingOptions>> InvalidOptions => new TheoryData<string, Action<SequenceEncodingOptions>>
        {
            { nameof(SequenceEncodingOptions.FeaturesPerStep), o => o.FeaturesPerStep = 0 },
            { nameof(SequenceEncodingOptions.EncodingSize), o => o.EncodingSize = -1 },
            { nameof(SequenceEncodingOptions.HiddenSizes), o => o.HiddenSizes = new[] { 8, 0 } },
            { nameof(SequenceEncodingOptions.HiddenSizes), o => o.HiddenSizes = null },
            { nameof(SequenceEncodingOptions.PredictionLength), o => o.Mode = SequenceAutoencoderMode.Composite },
            { nameof(SequenceEncodingOptions.LearningRate), o => o.LearningRate = double.NaN },
            { nameof(SequenceEncodingOptions.Epochs), o => o.Epochs = 0 },
            { nameof(SequenceEncodingOptions.BatchSize), o => o.BatchSize = 0 },
            { nameof(SequenceEncodingOptions.ValidationFraction), o => o.ValidationFraction = 1 },
            { nameof(SequenceEncodingOptions.Dropout), o => o.Dropout = 1 },
            { nameof(SequenceEncodingOptions.ScoringBatchSize), o => o.ScoringBatchSize = 0 },
            { nameof(SequenceEncodingOptions.InputColumnName), o => o.InputColumnName = null },
            { nameof(SequenceEncodingOptions.ForecastColumnName), o => o.ForecastColumnName = "Forecast" },
            // Checked once here, at the public boundary; the internal architecture and settings only assert.
            { nameof(SequenceEncodingOptions.HiddenSizes), o => o.HiddenSizes = new int[0] },
            { nameof(SequenceEncodingOptions.PredictionLength), o => o.Mode = SequenceAutoencoderMode.Prediction },
            { nameof(SequenceEncodingOptions.Mode), o => o.Mode = (SequenceAutoencoderMode)7 },
            { nameof(SequenceEncodingOptions.Dropout), o => o.Dropout = float.NaN },
            { nameof(SequenceEncodingOptions.LearningRate), o => o.LearningRate = 0 },
            { nameof(SequenceEncodingOptions.GradientClipNorm), o => o.GradientClipNorm = -1 },
            { nameof(SequenceEncodingOptions.EarlyStoppingPatience), o => o.EarlyStoppingPatience = -1 },
            { nameof(SequenceEncodingOptions.TeacherStepDropout), o => o.TeacherStepDropout = 1.0 },
        };

        [Theory]
        [MemberData(nameof(InvalidOptions))]
        public void InvalidOptionsNameTheOption(string option, Action<SequenceEncodingOptions> spoil)
        {
            var options = Tiny();
            spoil(options);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.EncodeSequences(options));
            Assert.Equal(option, e.ParamName);
        }
    }
}
