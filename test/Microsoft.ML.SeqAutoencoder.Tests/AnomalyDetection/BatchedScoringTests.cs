using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.AnomalyDetection
{
    /// <summary>
    /// Transform of the anomaly trainer's models scores ScoringBatchSize rows per forward pass, with the columns,
    /// annotations and thresholds of ML.NET's anomaly scorer, and the values of row-by-row scoring.
    /// </summary>
    public sealed class BatchedScoringTests : IClassFixture<AnomalyModelFixture>
    {
        private const int Steps = AnomalyModelFixture.Steps;

        private readonly AnomalyModelFixture _fixture;

        public BatchedScoringTests(AnomalyModelFixture fixture)
        {
            _fixture = fixture;
        }

        private MLContext ML => _fixture.ML;

        private sealed class Output
        {
            public float Score { get; set; }

            public bool PredictedLabel { get; set; }
        }

        private static void AssertClose(float[] expected, float[] actual) => Parity.AssertClose(expected, actual, "row");

        [Theory]
        [InlineData(7)]
        [InlineData(64)]
        public void TransformRunsOneForwardPassPerBatchWithTheValuesOfRowByRowScoring(int batchSize)
        {
            var options = AnomalyModelFixture.Options(1, SequenceAnomalyScoringMethod.ReconstructionError);
            options.Epochs = 2;
            options.ScoringBatchSize = batchSize;
            var model = ML.AnomalyDetection.Trainers.LstmAutoencoder(options).Fit(AnomalySequences.Load(ML, _fixture.Train1, Steps));
            using (model.Model)
            {
                IDataView test = _fixture.TestView1;
                int rows = _fixture.Test1.Count;
                long before = model.Model.ForwardPasses;
                var scored = model.Transform(test);
                float[] scores = scored.GetColumn<float>("Score").ToArray();
                Assert.Equal(before + (rows + batchSize - 1) / batchSize, model.Model.ForwardPasses);

                // PredictedLabel is Score > 0.5 (the learned threshold). A second pass over the view is served from its kept
                // scores (the output cache), a new view scores again.
                before = model.Model.ForwardPasses;
                var outputs = ML.Data.CreateEnumerable<Output>(scored, reuseRowObject: false).ToArray();
                Assert.Equal(before, model.Model.ForwardPasses);
                Assert.Equal(scores, model.Transform(test).GetColumn<float>("Score").ToArray());
                Assert.Equal(before + (rows + batchSize - 1) / batchSize, model.Model.ForwardPasses);
                Assert.Equal(scores, outputs.Select(o => o.Score).ToArray());
                Assert.All(outputs, o => Assert.Equal(o.Score > 0.5f, o.PredictedLabel));

                // Row-by-row: ML.NET's prediction engine.
                var definition = SchemaDefinition.Create(typeof(AnomalyRow));
                definition[nameof(AnomalyRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Steps);
                var engine = ML.Model.CreatePredictionEngine<AnomalyRow, Output>(model, inputSchemaDefinition: definition);
                AssertClose(scores, _fixture.Test1.Select(r => engine.Predict(r).Score).ToArray());

                // Reading only the input columns runs no network.
                before = model.Model.ForwardPasses;
                Assert.Equal(rows, scored.GetColumn<float>("Label").Count());
                Assert.Equal(before, model.Model.ForwardPasses);
            }
        }

        [Fact]
        public void AScoreViewReadAgainAfterOutgrowingTheFirstPassBudgetKeepsTheRestOnItsSecondPass()
        {
            var options = AnomalyModelFixture.Options(1, SequenceAnomalyScoringMethod.ReconstructionError);
            options.Epochs = 1;
            options.ScoringBatchSize = 16;
            var model = ML.AnomalyDetection.Trainers.LstmAutoencoder(options).Fit(AnomalySequences.Load(ML, _fixture.Train1, Steps));
            using (model.Model)
            {
                int rows = _fixture.Test1.Count, batches = (rows + 15) / 16;
                Assert.True(batches >= 3, $"{rows} rows");
                var scored = Assert.IsAssignableFrom<BatchedScorerBase>(model.Transform(_fixture.TestView1));
                scored.ResetCache(OutputCacheBudget.Of(100, OutputCacheBudget.Automatic)); // the first pass keeps one batch at most
                long before = model.Model.ForwardPasses;
                float[] scores = scored.GetColumn<float>("Score").ToArray();
                int kept = scored.Cache.Count;
                Assert.InRange(kept, 0, 1);
                Assert.Equal(before + batches, model.Model.ForwardPasses);

                Assert.Equal(scores, scored.GetColumn<float>("Score").ToArray());
                Assert.Equal(before + 2 * batches - kept, model.Model.ForwardPasses);
                Assert.Equal(batches, scored.Cache.Count);
                Assert.Equal(scores, scored.GetColumn<float>("Score").ToArray());
                Assert.Equal(before + 2 * batches - kept, model.Model.ForwardPasses);
            }
        }

        [Trait("Category", QualitySeed.Category)]
        [Fact]
        public void ThresholdChangesEvaluationAndSchemaAreThoseOfMLNetsScorer()
        {
            var model = _fixture.Reconstruction;
            var scored = model.Transform(_fixture.TestView1);
            Assert.Equal(BooleanDataViewType.Instance, scored.Schema["PredictedLabel"].Type);
            Assert.Equal(NumberDataViewType.Single, scored.Schema["Score"].Type);
            var kinds = scored.Schema["Score"].Annotations.Schema.Select(c => c.Name).ToArray();
            Assert.Contains(AnnotationUtils.Kinds.ScoreColumnKind, kinds);
            var metrics = ML.AnomalyDetection.Evaluate(scored);
            Assert.True(metrics.AreaUnderRocCurve > 0.9, $"AUC {metrics.AreaUnderRocCurve}");

            float[] scores = scored.GetColumn<float>("Score").ToArray();
            foreach (float threshold in new[] { 0.3f, 0.7f })
            {
                // The library's threshold change keeps batches; ML.NET's rebuilds its own row-by-row scorer. Both agree.
                long before = model.Model.ForwardPasses;
                var ours = ML.Data.CreateEnumerable<Output>(ML.AnomalyDetection.ChangeSequenceAnomalyThreshold(model, threshold).Transform(_fixture.TestView1), false).ToArray();
                Assert.Equal(before + 1, model.Model.ForwardPasses);
                var theirs = ML.Data.CreateEnumerable<Output>(ML.AnomalyDetection.ChangeModelThreshold(model, threshold).Transform(_fixture.TestView1), false).ToArray();
                Assert.Equal(scores, ours.Select(o => o.Score).ToArray());
                AssertClose(scores, theirs.Select(o => o.Score).ToArray());
                Assert.All(ours, o => Assert.Equal(o.Score > threshold, o.PredictedLabel));
                for (int i = 0; i < ours.Length; i++)
                {
                    if (Parity.ClearOf(ours[i].Score, threshold))
                        Assert.Equal(ours[i].PredictedLabel, theirs[i].PredictedLabel);
                }
            }
        }

        [Fact]
        public void AMultiPassTrainerAfterTheScoreRunsTheNetworkOnce()
        {
            // The anomaly score as a feature of SDCA, which reads its data many times and from parallel cursors.
            var model = _fixture.Reconstruction;
            var scored = model.Transform(_fixture.TestView1);
            long before = model.Model.ForwardPasses;
            var pipeline = ML.Transforms.Concatenate("ScoreFeature", "Score")
                .Append(ML.Transforms.Conversion.ConvertType("Target", "Label", DataKind.Boolean))
                .Append(ML.BinaryClassification.Trainers.SdcaLogisticRegression("Target", "ScoreFeature", maximumNumberOfIterations: 20));
            pipeline.Fit(scored);
            Assert.Equal(before + 1, model.Model.ForwardPasses);
        }

        [Fact]
        public void AShuffledCursorScoresRowByRow()
        {
            var scored = _fixture.Reconstruction.Transform(_fixture.TestView1);
            float[] inOrder = scored.GetColumn<float>("Score").ToArray();
            float[] labels = scored.GetColumn<float>("Label").ToArray();
            var cursor = scored.GetRowCursor(scored.Schema.Where(c => c.Name is "Score" or "Label"), new Random(3));
            var score = cursor.GetGetter<float>(scored.Schema["Score"]);
            int seen = 0;
            while (cursor.MoveNext())
            {
                float value = 0;
                score(ref value);
                Assert.Contains(inOrder, s => Parity.Close(s, value));
                seen++;
            }
            Assert.Equal(inOrder.Length, seen);
            Assert.Equal(inOrder.Length, labels.Length);
        }
    }
}
