using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Microsoft.ML.SeqAutoencoder.TimeSeries;
using Microsoft.ML.SeqAutoencoder.Torch;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SeqAutoencoder.Tests.TimeSeries
{
    /// <summary>The streaming detector: detection quality, output contract, laziness, online engine, persistence.</summary>
    public sealed class TimeSeriesAnomalyDetectorTests : IClassFixture<DetectorFixture>
    {
        private const int TestRows = 600;

        private readonly DetectorFixture _fixture;
        private readonly ITestOutputHelper _output;

        public TimeSeriesAnomalyDetectorTests(DetectorFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        private MLContext ML => _fixture.MLContext;

        private static (float[] Values, InjectedAnomaly[] Anomalies) TestSeries()
            => SyntheticSeries.WithAnomalies(DetectorFixture.TrainingRows, TestRows, seed: 11);

        private static double[][] Outputs(IDataView scored, string column = "Prediction")
            => scored.GetColumn<VBuffer<double>>(scored.Schema[column]).Select(v => v.DenseValues().ToArray()).ToArray();

        private double[][] Detect(float[] values) => Outputs(_fixture.Model.Transform(ML.Data.LoadFromEnumerable(SyntheticSeries.Rows(values))));

        // Outputs of other batches (batch sizes, the online engine's one-span batches): as Parity compares them.
        private void AssertSameDetections(double[][] expected, double[][] actual)
        {
            Assert.Equal(expected.Length, actual.Length);
            Parity.AssertDetectorRows(expected, actual, _fixture.Model.Scorer.NullScores, _fixture.Model.Scorer.Alpha);
        }

        [Trait("Category", QualitySeed.Category)]
        [Fact]
        public void InjectedAnomaliesAreFoundWithHighAucPrAndAlertsFireNearThem()
        {
            var (values, anomalies) = TestSeries();
            double[][] outputs = Detect(values);
            int w = DetectorFixture.WindowSize;
            double[] scores = outputs.Select(o => o[1]).ToArray();
            bool[] labels = SyntheticSeries.WindowLabels(values.Length, anomalies, w);

            double auc = AnomalyMetrics.AucPr(scores, labels);
            double chance = labels.Count(l => l) / (double)labels.Length;
            _output.WriteLine($"AUC-PR {auc:F3} (chance {chance:F3}), held-out windows {_fixture.Model.HeldOutWindowCount}");
            Assert.True(auc > 0.8, $"AUC-PR {auc:F3} (chance {chance:F3})");

            foreach (var a in anomalies)
            {
                var alerts = Enumerable.Range(a.Start, a.End - a.Start + w - 1).Where(i => outputs[i][0] == 1).ToArray();
                _output.WriteLine($"{a.Kind} at [{a.Start}, {a.End}): {alerts.Length} alerts, first at {(alerts.Length > 0 ? alerts[0] : -1)}");
                Assert.True(alerts.Length > 0, $"no alert for the {a.Kind} at rows [{a.Start}, {a.End})");
                Assert.InRange(alerts[0] - a.Start, 0, Math.Min(w, a.End - a.Start + w) - 1);
            }

            var normal = Enumerable.Range(w - 1, values.Length - w + 1).Where(i => !labels[i]).ToArray();
            double falseAlertRate = normal.Count(i => outputs[i][0] == 1) / (double)normal.Length;
            _output.WriteLine($"false alert rate on {normal.Length} normal rows: {falseAlertRate:P2}");
            Assert.True(falseAlertRate < 0.03, $"false alert rate {falseAlertRate:P2}");
            Assert.All(outputs, o => Assert.InRange(o[2], 1.0 / (1 + _fixture.Model.HeldOutWindowCount), 1.0));
        }

        [Fact]
        public void WindowMeanScoresDetectBetterThanLastStepScores()
        {
            // The measurement behind the default raw score (see TimeSeriesAnomalyEstimator's remarks): the same
            // network, both ways of summarizing a window's error, three noise seeds, window and point labels.
            int w = DetectorFixture.WindowSize;
            var scorer = _fixture.Model.Scorer;
            foreach (int seed in new[] { 11, 12, 13 })
            {
                var (values, anomalies) = SyntheticSeries.WithAnomalies(DetectorFixture.TrainingRows, TestRows, seed);
                var windows = SequenceSet.From(Enumerable.Range(0, values.Length - w + 1).Select(s => values.AsSpan(s, w).ToArray()), 1);
                double[] mean = scorer.RawScores(windows);
                // The last step's squared standardized error (F = 1), from the same reconstructions.
                double[] last = scorer.Model.Run(windows, 256, SequenceOutputKinds.Errors).Select(o => o.Errors[^1] * o.Errors[^1]).ToArray();

                bool[] windowLabels = SyntheticSeries.WindowLabels(values.Length, anomalies, w)[(w - 1)..];
                bool[] pointLabels = SyntheticSeries.PointLabels(values.Length, anomalies)[(w - 1)..];
                double meanWindow = AnomalyMetrics.AucPr(mean, windowLabels);
                double lastWindow = AnomalyMetrics.AucPr(last, windowLabels);
                double meanPoint = AnomalyMetrics.AucPr(mean, pointLabels);
                double lastPoint = AnomalyMetrics.AucPr(last, pointLabels);
                _output.WriteLine($"seed {seed}: AUC-PR with window labels: window mean {meanWindow:F3}, last step {lastWindow:F3}; " +
                    $"with point labels: window mean {meanPoint:F3}, last step {lastPoint:F3}");
                Assert.True(meanWindow > lastWindow + 0.1, $"window labels: window mean {meanWindow:F3} vs last step {lastWindow:F3}");
                Assert.True(meanPoint > lastPoint + 0.1, $"point labels: window mean {meanPoint:F3} vs last step {lastPoint:F3}");
            }
        }

        [Fact]
        public void OutputIsAVectorOfThreeDoublesWithSlotNamesAndEstimatorAgrees()
        {
            var data = ML.Data.LoadFromEnumerable(_fixture.Training);
            DataViewSchema schema = _fixture.Model.GetOutputSchema(data.Schema);
            var column = schema["Prediction"];
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Double, 3), column.Type);
            var names = default(VBuffer<ReadOnlyMemory<char>>);
            column.GetSlotNames(ref names);
            Assert.Equal(new[] { "Alert", "Raw Score", "P-Value" }, names.DenseValues().Select(n => n.ToString()).ToArray());
            Assert.Equal(schema["Prediction"].Type, _fixture.Model.Transform(data).Schema["Prediction"].Type);

            SchemaShape shape = _fixture.Estimator.GetOutputSchema(SchemaShape.Create(data.Schema));
            Assert.True(shape.TryFindColumn("Prediction", out var predicted));
            Assert.Equal(SchemaShape.Column.VectorKind.Vector, predicted.Kind);
            Assert.Equal(NumberDataViewType.Double, predicted.ItemType);
            Assert.True(predicted.Annotations.TryFindColumn(AnnotationUtils.Kinds.SlotNames, out _));
            Assert.False(_fixture.Model.IsRowToRowMapper);
            Assert.Throws<InvalidOperationException>(() => _fixture.Model.GetRowToRowMapper(data.Schema));
        }

        [Fact]
        public void FirstWindowSizeMinusOneRowsAreWarmUp()
        {
            var (values, _) = TestSeries();
            values[3] = 50; // an outlier inside the warm-up rows changes nothing there
            double[][] outputs = Detect(values);
            int w = DetectorFixture.WindowSize;
            for (int i = 0; i < w - 1; i++)
                Assert.Equal(new[] { 0.0, 0.0, 1.0 }, outputs[i]);
            Assert.True(outputs[w - 1][1] > 0);
            Assert.Equal(1.0, outputs[w - 1][0]);
        }

        [Fact]
        public void ScoresAreCausalAndIndependentOfTheScoringBatchSize()
        {
            var (values, _) = TestSeries();
            double[][] reference = Detect(values);

            // Changing a row changes no output before it.
            float[] changed = (float[])values.Clone();
            changed[300] += 5;
            double[][] after = Detect(changed);
            for (int i = 0; i < 300; i++)
                Assert.Equal(reference[i], after[i]);
            Assert.NotEqual(reference[300], after[300]);

            // Batches that do not divide the row count, and one row per batch.
            foreach (int batchSize in new[] { 1, 7, 1000 })
            {
                // Shares the fixture's network; not disposed here.
                var model = _fixture.Model;
                var rebatched = new TimeSeriesAnomalyDetector(ML, model.InputColumnName, model.OutputColumnName, model.Scorer, batchSize, nonFiniteStepsAreAnomalies: false);
                double[][] outputs = Outputs(rebatched.Transform(ML.Data.LoadFromEnumerable(SyntheticSeries.Rows(values))));
                AssertSameDetections(reference, outputs);
            }
        }

        [Fact]
        public void TransformIsLazyAndBatched()
        {
            var (values, _) = TestSeries();
            long before = _fixture.Model.Scorer.Model.ForwardPasses;
            IDataView scored = _fixture.Model.Transform(ML.Data.LoadFromEnumerable(SyntheticSeries.Rows(values)));
            Assert.Equal(before, _fixture.Model.Scorer.Model.ForwardPasses);
            Assert.False(scored.CanShuffle);
            Assert.Single(scored.GetRowCursorSet(scored.Schema, 4));

            float[] index = scored.GetColumn<float>(nameof(SeriesRow.Index)).ToArray();
            Assert.Equal(values.Length, index.Length);
            Assert.Equal(before, _fixture.Model.Scorer.Model.ForwardPasses);

            // 600 rows in batches of 64: 10 forward passes.
            double[][] outputs = Outputs(scored);
            Assert.Equal(values.Length, outputs.Length);
            Assert.Equal(before + (values.Length + 63) / 64, _fixture.Model.Scorer.Model.ForwardPasses);
        }

        [Fact]
        public void OnlineEngineEqualsTransformRowByRowAndResumesFromSavedState()
        {
            var (values, _) = TestSeries();
            double[][] batch = Detect(values);

            var engine = _fixture.Model.CreateOnlineEngine();
            Assert.Equal(DetectorFixture.WindowSize, engine.WindowSize);
            Assert.Equal(1, engine.FeaturesPerStep);
            int half = values.Length / 2 + 3;
            var online = new double[values.Length][];
            for (int i = 0; i < half; i++)
                online[i] = engine.Process(values[i]).ToArray();
            Assert.Equal(half, engine.RowsProcessed);

            var state = new MemoryStream();
            engine.SaveState(state);
            for (int i = half; i < values.Length; i++)
                online[i] = engine.Process(values[i]).ToArray();
            AssertSameDetections(batch, online);

            // A resumed engine continues exactly where the first one was (same one-span batches).
            state.Position = 0;
            var resumed = _fixture.Model.CreateOnlineEngine(state);
            Assert.Equal(half, resumed.RowsProcessed);
            for (int i = half; i < values.Length; i++)
                Assert.Equal(online[i], resumed.Process(new[] { values[i] }).ToArray());

            // A state saved during warm-up resumes warm-up.
            var early = _fixture.Model.CreateOnlineEngine();
            for (int i = 0; i < 5; i++)
                early.Process(values[i]);
            state = new MemoryStream();
            early.SaveState(state);
            state.Position = 0;
            var resumedEarly = _fixture.Model.CreateOnlineEngine(state);
            for (int i = 5; i < 40; i++)
                Assert.Equal(online[i], resumedEarly.Process(values[i]).ToArray());
        }

        [Fact]
        public void SavedModelGivesIdenticalOutputsInANewProcess()
        {
            var (values, _) = TestSeries();
            double[][] expected = Detect(values);
            string dir = Path.Combine(Path.GetTempPath(), $"seqanom-{Guid.NewGuid():N}");
            Directory.CreateDirectory(dir);
            try
            {
                string modelPath = Path.Combine(dir, "model.zip");
                string valuesPath = Path.Combine(dir, "values.bin");
                string outPath = Path.Combine(dir, "out.bin");
                ML.Model.Save(_fixture.Model, ML.Data.LoadFromEnumerable(_fixture.Training).Schema, modelPath);
                using (var writer = new BinaryWriter(File.Create(valuesPath)))
                {
                    writer.Write(values.Length);
                    foreach (float v in values)
                        writer.Write(v);
                }

                TestHelperProcess.Run("series", modelPath, valuesPath, outPath, nameof(SeriesRow.Value), "Prediction");

                using var reader = new BinaryReader(File.OpenRead(outPath));
                Assert.Equal(values.Length, reader.ReadInt32());
                Assert.Equal(3, reader.ReadInt32());
                for (int i = 0; i < values.Length; i++)
                {
                    var row = new[] { reader.ReadDouble(), reader.ReadDouble(), reader.ReadDouble() };
                    Assert.Equal(expected[i], row);
                }

                // In this process too, and the loaded model's engine continues a stream saved from the original.
                using var loaded = Assert.IsType<TimeSeriesAnomalyDetector>(ML.Model.Load(modelPath, out _));
                Assert.Equal(DetectorFixture.WindowSize, loaded.WindowSize);
                Assert.Equal(99, loaded.Confidence);
                Assert.Equal(_fixture.Model.HeldOutWindowCount, loaded.HeldOutWindowCount);
                var engine = _fixture.Model.CreateOnlineEngine();
                for (int i = 0; i < 100; i++)
                    engine.Process(values[i]);
                var state = new MemoryStream();
                engine.SaveState(state);
                state.Position = 0;
                var resumed = loaded.CreateOnlineEngine(state);
                for (int i = 100; i < values.Length; i++)
                    Assert.Equal(expected[i], resumed.Process(values[i]));
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
