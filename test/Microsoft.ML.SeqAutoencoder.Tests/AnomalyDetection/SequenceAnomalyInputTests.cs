using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SeqAutoencoder.Tests.AnomalyDetection
{
    /// <summary>Bad input, degenerate features and variable-size rows.</summary>
    public sealed class SequenceAnomalyInputTests
    {
        private const int Steps = 16;

        private readonly MLContext _ml = new MLContext(seed: 1);
        private readonly ITestOutputHelper _output;

        public SequenceAnomalyInputTests(ITestOutputHelper output) => _output = output;

        private static SequenceAnomalyOptions Quick(int features = 1, SequenceAnomalyScoringMethod method = SequenceAnomalyScoringMethod.ReconstructionError)
        {
            var options = AnomalyModelFixture.Options(features, method);
            options.Epochs = 2;
            return options;
        }

        [Fact]
        public void NaNInATrainingRowNamesTheColumnAndRow()
        {
            var rows = AnomalySequences.Generate(40, 0, Steps);
            rows[7].Features[3] = float.NaN;
            var e = Assert.ThrowsAny<Exception>(() => _ml.AnomalyDetection.Trainers.LstmAutoencoder(Quick()).Fit(AnomalySequences.Load(_ml, rows, Steps)));
            Assert.Contains("'Features'", e.Message);
            Assert.Contains("row 7", e.Message);
            Assert.Contains("NaN", e.Message);
        }

        [Fact]
        public void NaNInAScoredRowNamesTheColumn()
        {
            var rows = AnomalySequences.Generate(40, 0, Steps);
            using var model = new Owned(_ml.AnomalyDetection.Trainers.LstmAutoencoder(Quick()).Fit(AnomalySequences.Load(_ml, rows, Steps)));
            rows[2].Features[0] = float.PositiveInfinity;
            var e = Assert.ThrowsAny<Exception>(() => model.Transformer.Transform(AnomalySequences.Load(_ml, rows, Steps)).GetColumn<float>("Score").ToArray());
            Assert.Contains("'Features'", e.ToString());
            Assert.Contains("finite", e.ToString());
        }

        [Fact]
        public void WrongColumnTypeAndMissingColumnAreReported()
        {
            var scalar = _ml.Data.LoadFromEnumerable(new[] { new ScalarRow { Features = 1 }, new ScalarRow { Features = 2 } });
            var trainer = _ml.AnomalyDetection.Trainers.LstmAutoencoder(Quick());
            var wrongType = Assert.ThrowsAny<Exception>(() => trainer.Fit(scalar));
            Assert.Contains("Features", wrongType.Message);
            Assert.Contains("Single", wrongType.Message);
            Assert.ThrowsAny<Exception>(() => trainer.GetOutputSchema(SchemaShape.Create(scalar.Schema)));

            var rows = AnomalySequences.Load(_ml, AnomalySequences.Generate(10, 0, Steps), Steps);
            var missing = Assert.ThrowsAny<Exception>(() => _ml.AnomalyDetection.Trainers.LstmAutoencoder("Window").Fit(rows));
            Assert.Contains("Window", missing.Message);

            // F = 3 does not divide 16 values.
            var options = Quick(3);
            var notWholeSteps = Assert.ThrowsAny<Exception>(() => _ml.AnomalyDetection.Trainers.LstmAutoencoder(options).Fit(rows));
            Assert.Contains("Features", notWholeSteps.Message);
            Assert.Contains("multiple of 3", notWholeSteps.Message);
        }

        [Fact]
        public void EmptyDataIsReported()
        {
            var empty = AnomalySequences.Load(_ml, new List<AnomalyRow>(), Steps);
            var e = Assert.ThrowsAny<Exception>(() => _ml.AnomalyDetection.Trainers.LstmAutoencoder(Quick()).Fit(empty));
            Assert.Contains("'Features'", e.Message);
            Assert.Contains("no rows", e.Message);

            var one = AnomalySequences.Load(_ml, AnomalySequences.Generate(1, 0, Steps), Steps);
            var tooFew = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.AnomalyDetection.Trainers.LstmAutoencoder(Quick()).Fit(one));
            Assert.Contains(nameof(SequenceAnomalyOptions.ScoreHoldOutFraction), tooFew.Message);
        }

        [Fact]
        public void BadOptionsNameTheOption()
        {
            var options = Quick();
            options.ThresholdMethod = SequenceAnomalyThresholdMethod.FBetaOptimal;
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.AnomalyDetection.Trainers.LstmAutoencoder(options));
            Assert.Contains(nameof(SequenceAnomalyOptions.ValidationData), e.Message);

            options = Quick();
            options.ScoreHoldOutFraction = 1;
            e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.AnomalyDetection.Trainers.LstmAutoencoder(options));
            Assert.Contains(nameof(SequenceAnomalyOptions.ScoreHoldOutFraction), e.Message);

            options = Quick();
            options.CovarianceRegularization = 0;
            e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.AnomalyDetection.Trainers.LstmAutoencoder(options));
            Assert.Contains(nameof(SequenceAnomalyOptions.CovarianceRegularization), e.Message);

            options = Quick();
            options.ThresholdQuantile = 0;
            e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.AnomalyDetection.Trainers.LstmAutoencoder(options));
            Assert.Contains(nameof(SequenceAnomalyOptions.ThresholdQuantile), e.Message);
        }

        [Fact]
        public void ValidationLabelsMustBeZeroOrOneAndIncludeAnAnomaly()
        {
            var train = AnomalySequences.Load(_ml, AnomalySequences.Generate(40, 0, Steps), Steps);
            var options = Quick();
            options.ThresholdMethod = SequenceAnomalyThresholdMethod.FBetaOptimal;
            options.ValidationData = AnomalySequences.Load(_ml, AnomalySequences.Generate(10, 0, Steps, seed: 3), Steps);
            var e = Assert.ThrowsAny<Exception>(() => _ml.AnomalyDetection.Trainers.LstmAutoencoder(options).Fit(train));
            Assert.Contains("'Label'", e.Message);
            Assert.Contains("no row", e.Message);

            var badLabels = AnomalySequences.Generate(8, 2, Steps, seed: 3);
            badLabels[0].Label = 2;
            options.ValidationData = AnomalySequences.Load(_ml, badLabels, Steps);
            e = Assert.ThrowsAny<Exception>(() => _ml.AnomalyDetection.Trainers.LstmAutoencoder(options).Fit(train));
            Assert.Contains("'Label'", e.Message);
            Assert.Contains("0 or 1", e.Message);

            options.LabelColumnName = "Missing";
            e = Assert.ThrowsAny<Exception>(() => _ml.AnomalyDetection.Trainers.LstmAutoencoder(options).Fit(train));
            Assert.Contains("Missing", e.Message);
        }

        [Trait("Category", QualitySeed.Category)]
        [Fact]
        public void ConstantFeatureDoesNotBreakMahalanobis()
        {
            var train = AnomalySequences.Generate(160, 0, Steps, features: 2, seed: 11, constantSecondFeature: true);
            var test = AnomalySequences.Generate(60, 20, Steps, features: 2, seed: 12, constantSecondFeature: true);
            var options = AnomalyModelFixture.Options(2, SequenceAnomalyScoringMethod.Mahalanobis);
            options.Epochs = 15;
            using var model = new Owned(_ml.AnomalyDetection.Trainers.LstmAutoencoder(options).Fit(AnomalySequences.Load(_ml, train, 2 * Steps)));
            var parameters = model.Transformer.Model;
            Assert.All(parameters.ErrorPrecision, p => Assert.True(double.IsFinite(p)));
            float[] scores = model.Transformer.Transform(AnomalySequences.Load(_ml, test, 2 * Steps)).GetColumn<float>("Score").ToArray();
            Assert.All(scores, s => Assert.True(float.IsFinite(s)));
            double aucPr = AnomalyMetrics.AucPr(scores, test.Select(r => r.Label == 1).ToArray());
            _output.WriteLine($"constant second feature: AUC-PR {aucPr:F4} (label rate 0.25), raw threshold {parameters.Threshold:G4}");
            Assert.True(aucPr > 0.7, $"AUC-PR {aucPr}");
        }

        [Fact]
        public void VariableSizeRowsTrainAndScore()
        {
            var random = new Random(5);
            var rows = AnomalySequences.Generate(60, 0, 24, seed: 9)
                .Select(r => new VariableRow { Features = r.Features.Take(12 + random.Next(13)).ToArray() }).ToList();
            var data = _ml.Data.LoadFromEnumerable(rows);
            Assert.Equal(0, ((VectorDataViewType)data.Schema["Features"].Type).Size);
            var options = Quick();
            options.ThresholdMethod = SequenceAnomalyThresholdMethod.MeanPlusKStd;
            var trainer = _ml.AnomalyDetection.Trainers.LstmAutoencoder(options);
            var shape = trainer.GetOutputSchema(SchemaShape.Create(data.Schema));
            Assert.True(shape.TryFindColumn("Score", out _));
            Assert.True(shape.TryFindColumn("PredictedLabel", out _));
            // Through the interface, as estimator chains call it.
            var chained = new EstimatorChain<ITransformer>().Append(trainer);
            using var model = new Owned((AnomalyPredictionTransformer<SequenceAnomalyModelParameters>)chained.Fit(data).LastTransformer);
            Assert.Equal(0, model.Transformer.Model.InputSize);
            float[] scores = model.Transformer.Transform(data).GetColumn<float>("Score").ToArray();
            Assert.Equal(rows.Count, scores.Length);
            Assert.All(scores, s => Assert.InRange(s, 0f, 1f));
        }

        [Trait("Category", QualitySeed.Category)]
        [Theory]
        [InlineData(SequenceAutoencoderMode.Prediction)]
        [InlineData(SequenceAutoencoderMode.Composite)]
        public void ForecastErrorsScoreAnomaliesInOtherModes(SequenceAutoencoderMode mode)
        {
            // Rows of 20 steps: 16 input steps and 4 to forecast. Injected anomalies start in steps 5..14, so level
            // shifts and frequency changes reach the forecast steps while most spikes do not.
            var train = AnomalySequences.Generate(240, 0, 20, seed: 21);
            var test = AnomalySequences.Generate(90, 30, 20, seed: 22);
            var options = AnomalyModelFixture.Options(1, SequenceAnomalyScoringMethod.Mahalanobis);
            options.Mode = mode;
            options.PredictionLength = 4;
            options.Epochs = 20;
            using var model = new Owned(_ml.AnomalyDetection.Trainers.LstmAutoencoder(options).Fit(AnomalySequences.Load(_ml, train, 20)));
            Assert.Equal(mode, model.Transformer.Model.Mode);
            var scored = model.Transformer.Transform(AnomalySequences.Load(_ml, test, 20));
            var metrics = _ml.AnomalyDetection.Evaluate(scored);
            double aucPr = AnomalyMetrics.AucPr(scored.GetColumn<float>("Score").ToArray(), test.Select(r => r.Label == 1).ToArray());
            _output.WriteLine($"{mode}: AUC-ROC {metrics.AreaUnderRocCurve:F4}, AUC-PR {aucPr:F4} (label rate 0.25)");
            Assert.True(aucPr > 0.5, $"AUC-PR {aucPr}");

            using var steps = _ml.Transforms.ComputeSequenceStepErrors(model.Transformer.Model).Fit(AnomalySequences.Load(_ml, test, 20));
            int expected = mode == SequenceAutoencoderMode.Prediction ? 4 : 20;
            Assert.Equal(expected, ((VectorDataViewType)steps.GetOutputSchema(AnomalySequences.Load(_ml, test, 20).Schema)["StepErrors"].Type).Size);
        }

        private sealed class ScalarRow
        {
            public float Features { get; set; }
        }

        private sealed class VariableRow
        {
            public float[] Features { get; set; }
        }

        private sealed class Owned : IDisposable
        {
            public Owned(AnomalyPredictionTransformer<SequenceAnomalyModelParameters> transformer) => Transformer = transformer;

            public AnomalyPredictionTransformer<SequenceAnomalyModelParameters> Transformer { get; }

            public void Dispose() => Transformer.Model.Dispose();
        }
    }
}
