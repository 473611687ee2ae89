using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Microsoft.ML.SeqAutoencoder.Torch;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SeqAutoencoder.Tests.AnomalyDetection
{
    /// <summary>The LSTM autoencoder anomaly trainer through ML.NET's anomaly detection API.</summary>
    public sealed class SequenceAnomalyTrainerTests : IClassFixture<AnomalyModelFixture>
    {
        private const int Steps = AnomalyModelFixture.Steps;

        // Batched and one-row forward passes round differently in libtorch's kernels.
        private const float ScoreTolerance = 1e-6f;

        private readonly AnomalyModelFixture _fixture;
        private readonly ITestOutputHelper _output;

        public SequenceAnomalyTrainerTests(AnomalyModelFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        private MLContext ML => _fixture.ML;

        [Fact]
        public void ReconstructionErrorFindsInjectedAnomalies()
            => AssertFindsAnomalies(_fixture.Reconstruction, _fixture.TestView1, _fixture.Test1, "ReconstructionError");

        [Trait("Category", QualitySeed.Category)]
        [Fact]
        public void MahalanobisFindsInjectedAnomalies()
        {
            AssertFindsAnomalies(_fixture.Mahalanobis, _fixture.TestView2, _fixture.Test2, "Mahalanobis");
            var parameters = _fixture.Mahalanobis.Model;
            Assert.Equal(SequenceAnomalyScoringMethod.Mahalanobis, parameters.ScoringMethod);
            Assert.Equal(2, parameters.ErrorMean.Count);
            Assert.Equal(4, parameters.ErrorPrecision.Count);
            Assert.Equal(parameters.ErrorPrecision[1], parameters.ErrorPrecision[2]);
        }

        private void AssertFindsAnomalies(AnomalyPredictionTransformer<SequenceAnomalyModelParameters> model, IDataView test,
            List<AnomalyRow> rows, string name)
        {
            IDataView scored = model.Transform(test);
            var metrics = ML.AnomalyDetection.Evaluate(scored);
            float[] scores = scored.GetColumn<float>("Score").ToArray();
            bool[] predicted = scored.GetColumn<bool>("PredictedLabel").ToArray();
            bool[] labels = rows.Select(r => r.Label == 1).ToArray();
            double aucPr = AnomalyMetrics.AucPr(scores, labels);
            double f1 = AnomalyMetrics.FBeta(predicted, labels, 1);
            int falseAlarms = predicted.Where((p, i) => p && !labels[i]).Count();
            _output.WriteLine($"{name}: AUC-ROC {metrics.AreaUnderRocCurve:F4}, AUC-PR {aucPr:F4}, F1 {f1:F4}, " +
                $"detection rate at 25% FP {metrics.DetectionRateAtFalsePositiveCount:F4}, false alarms {falseAlarms}/150, " +
                $"raw threshold {model.Model.Threshold:G4}");

            Assert.All(scores, s => Assert.InRange(s, 0f, 1f));
            Assert.True(metrics.AreaUnderRocCurve > 0.95, $"AUC-ROC {metrics.AreaUnderRocCurve}");
            Assert.True(aucPr > 0.9, $"AUC-PR {aucPr} (label rate 0.25)");
            // The 0.99 quantile of held-out normal rows flags few normal rows.
            Assert.True(falseAlarms <= 15, $"{falseAlarms} normal rows flagged");
            Assert.True(f1 > 0.8, $"F1 {f1}");
            for (int i = 0; i < scores.Length; i++)
                Assert.Equal(scores[i] > 0.5f, predicted[i]);
        }

        [Fact]
        public void ScoreIsTheRawScoreNormalizedByTheThreshold()
        {
            var parameters = _fixture.Reconstruction.Model;
            float[] scores = _fixture.Reconstruction.Transform(_fixture.TestView1).GetColumn<float>("Score").ToArray();
            // All rows in one forward pass, as the transformer scores them (batches of 256).
            Assert.True(_fixture.Test1.Count <= 256);
            double[] raw = parameters.RawScores(SequenceSet.From(_fixture.Test1.Select(r => r.Features).ToArray(), parameters.FeaturesPerStep));
            for (int i = 0; i < raw.Length; i++)
            {
                Assert.Equal((float)(raw[i] / (raw[i] + parameters.Threshold)), scores[i]);
                Assert.Equal(raw[i] > parameters.Threshold, scores[i] > 0.5f);
            }
            Assert.Contains(_fixture.Log, m => m.Contains("Quantile threshold"));
        }

        [Fact]
        public void ChangeModelThresholdChangesPredictedLabels()
        {
            var model = _fixture.Reconstruction;
            int Count(ITransformer m) => m.Transform(_fixture.TestView1).GetColumn<bool>("PredictedLabel").Count(p => p);

            int learned = Count(model);
            int strict = Count(ML.AnomalyDetection.ChangeModelThreshold(model, 0.9f));
            int loose = Count(ML.AnomalyDetection.ChangeModelThreshold(model, 0.05f));
            _output.WriteLine($"flagged: threshold 0.9 → {strict}, learned (0.5) → {learned}, 0.05 → {loose}");
            Assert.True(strict < learned, $"{strict} vs {learned}");
            Assert.True(loose > learned, $"{loose} vs {learned}");
            Assert.Equal(strict, Count(ML.AnomalyDetection.ChangeSequenceAnomalyThreshold(model, 0.9f)));

            var chain = new TransformerChain<ITransformer>(model);
            Assert.Equal(loose, Count(ML.AnomalyDetection.ChangeSequenceAnomalyThreshold(chain, 0.05f)));
            var other = Assert.Throws<ArgumentOutOfRangeException>(() => ML.AnomalyDetection.ChangeSequenceAnomalyThreshold(ML.Transforms.CopyColumns("A", "Features").Fit(_fixture.TestView1), 0.5f));
            Assert.Contains("model", other.Message);
        }

        [Trait("Category", QualitySeed.Category)]
        [Fact]
        public void FBetaThresholdComesDownToCatchWeakAnomaliesWhenLabelsAreGiven()
        {
            // Weak anomalies: the 0.99 quantile of normal scores misses many of them; labeled validation data lets
            // the threshold come down to where Fβ is best. Same seed and data: the same network as the fixture's.
            // Over training seeds (QualitySeed offsets 0-2) the test F1 gain was +0.059, +0.010 and −0.009: not a win
            // to assert. What holds for every seed is a lower threshold (recall 0.72→0.92, 0.91→0.98, 0.95→0.95) and no
            // loss of F1 beyond that noise.
            var validation = AnomalySequences.Generate(300, 100, Steps, seed: 5, magnitude: 0.5);
            var test = AnomalySequences.Generate(300, 100, Steps, seed: 6, magnitude: 0.5);
            var options = AnomalyModelFixture.Options(1, SequenceAnomalyScoringMethod.ReconstructionError);
            options.ThresholdMethod = SequenceAnomalyThresholdMethod.FBetaOptimal;
            options.Beta = 1;
            options.ValidationData = AnomalySequences.Load(ML, validation, Steps);
            using var fBetaParameters = new DisposableModel(ML.AnomalyDetection.Trainers.LstmAutoencoder(options)
                .Fit(AnomalySequences.Load(ML, _fixture.Train1, Steps)));
            var fBetaModel = fBetaParameters.Transformer;

            bool[] labels = test.Select(r => r.Label == 1).ToArray();
            var testView = AnomalySequences.Load(ML, test, Steps);
            float[] quantileScores = _fixture.Reconstruction.Transform(testView).GetColumn<float>("Score").ToArray();
            float[] fBetaScores = fBetaModel.Transform(testView).GetColumn<float>("Score").ToArray();
            double quantileF1 = AnomalyMetrics.FBeta(_fixture.Reconstruction.Transform(testView).GetColumn<bool>("PredictedLabel").ToArray(), labels, 1);
            double fBetaF1 = AnomalyMetrics.FBeta(fBetaModel.Transform(testView).GetColumn<bool>("PredictedLabel").ToArray(), labels, 1);
            _output.WriteLine($"test F1: quantile threshold {_fixture.Reconstruction.Model.Threshold:G4} → {quantileF1:F4}; " +
                $"F1-optimal threshold {fBetaModel.Model.Threshold:G4} → {fBetaF1:F4}; AUC-PR {AnomalyMetrics.AucPr(fBetaScores, labels):F4}");

            // Same network: the scores rank the rows identically.
            var quantileOrder = Enumerable.Range(0, test.Count).OrderBy(i => quantileScores[i]).ToArray();
            var fBetaOrder = Enumerable.Range(0, test.Count).OrderBy(i => fBetaScores[i]).ToArray();
            Assert.Equal(quantileOrder, fBetaOrder);
            bool[] quantileFlags = _fixture.Reconstruction.Transform(testView).GetColumn<bool>("PredictedLabel").ToArray();
            bool[] fBetaFlags = fBetaModel.Transform(testView).GetColumn<bool>("PredictedLabel").ToArray();
            double Recall(bool[] flags) => labels.Where((l, i) => l && flags[i]).Count() / (double)labels.Count(l => l);
            _output.WriteLine($"test recall: quantile {Recall(quantileFlags):F4}, F1-optimal {Recall(fBetaFlags):F4}");
            Assert.True(fBetaModel.Model.Threshold < _fixture.Reconstruction.Model.Threshold,
                $"F1-optimal threshold {fBetaModel.Model.Threshold} vs quantile {_fixture.Reconstruction.Model.Threshold}");
            Assert.True(Recall(fBetaFlags) >= Recall(quantileFlags), $"recall {Recall(fBetaFlags)} vs {Recall(quantileFlags)}");
            Assert.True(fBetaF1 > quantileF1 - 0.02, $"F1 {fBetaF1} vs {quantileF1}");
        }

        [Trait("Category", QualitySeed.Category)]
        [Fact]
        public void SavedModelScoresIdenticallyInAnotherProcess()
        {
            string dir = Directory.CreateTempSubdirectory("seqae-anom-").FullName;
            try
            {
                string modelPath = Path.Combine(dir, "model.zip");
                ML.Model.Save(_fixture.Mahalanobis, _fixture.TestView2.Schema, modelPath);
                var rows = _fixture.Test2.Take(60).ToList();
                string rowsPath = Path.Combine(dir, "rows.bin");
                using (var w = new BinaryWriter(File.Create(rowsPath)))
                {
                    w.Write(rows.Count);
                    w.Write(2 * Steps);
                    foreach (var r in rows)
                        foreach (float v in r.Features)
                            w.Write(v);
                }

                string outPath = Path.Combine(dir, "out.bin");
                TestHelperProcess.Run("score", modelPath, rowsPath, outPath, "Features", "Score");

                float[] expected = _fixture.Mahalanobis.Transform(AnomalySequences.Load(ML, rows, 2 * Steps)).GetColumn<float>("Score").ToArray();
                using (var r2 = new BinaryReader(File.OpenRead(outPath)))
                {
                    // The loaded model scores through ML.NET's row-by-row scorer, the fitted one in batches: libtorch's
                    // kernels round a batch of one differently, by ~1e-7.
                    Assert.Equal(1, r2.ReadInt32());
                    foreach (float e in expected)
                        Parity.AssertClose(e, r2.ReadSingle(), "score");
                }

                // In this process too, and the loaded model's threshold can still be moved.
                var loaded = ML.Model.Load(modelPath, out _);
                var view = AnomalySequences.Load(ML, rows, 2 * Steps);
                Assert.Equal(expected, loaded.Transform(view).GetColumn<float>("Score").ToArray(), (a, b) => Parity.Close(a, b));
                int flagged = loaded.Transform(view).GetColumn<bool>("PredictedLabel").Count(p => p);
                int loose = ML.AnomalyDetection.ChangeSequenceAnomalyThreshold(loaded, 0.05f).Transform(view).GetColumn<bool>("PredictedLabel").Count(p => p);
                Assert.Equal(expected.Count(s => s > 0.5f), flagged);
                Assert.Equal(expected.Count(s => s > 0.05f), loose);
                Assert.True(loose > flagged);
                var evaluated = ML.AnomalyDetection.Evaluate(loaded.Transform(view));
                Assert.True(evaluated.AreaUnderRocCurve > 0.9);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        [Fact]
        public void PredictionEngineScoresLikeTheBatchTransform()
        {
            var engine = ML.Model.CreatePredictionEngine<AnomalyRow, AnomalyOutput>(_fixture.Reconstruction, inputSchemaDefinition: Definition(Steps));
            float[] batch = _fixture.Reconstruction.Transform(_fixture.TestView1).GetColumn<float>("Score").ToArray();
            for (int i = 0; i < 20; i++)
            {
                var prediction = engine.Predict(_fixture.Test1[i]);
                Parity.AssertClose(batch[i], prediction.Score, $"row {i}");
                Assert.Equal(prediction.Score > 0.5f, prediction.PredictedLabel);
                if (Parity.ClearOf(batch[i], 0.5))
                    Assert.Equal(batch[i] > 0.5f, prediction.PredictedLabel);
            }
        }

        [Fact]
        public void StepErrorsShowWhereASequenceFails()
        {
            var model = _fixture.Mahalanobis;
            var normal = _fixture.Test2.Where(r => r.Label == 0).Take(20).ToList();
            var spiked = normal.Select(r => new AnomalyRow { Features = (float[])r.Features.Clone(), Label = 1 }).ToList();
            const int spikeStep = 10;
            foreach (var r in spiked)
                r.Features[spikeStep * 2] += 3;
            var rows = normal.Concat(spiked).ToList();
            var view = AnomalySequences.Load(ML, rows, 2 * Steps);

            using var stepErrors = ML.Transforms.ComputeSequenceStepErrors(model.Model).Fit(view);
            IDataView transformed = stepErrors.Transform(view);
            Assert.Equal(Steps, ((VectorDataViewType)transformed.Schema["StepErrors"].Type).Size);
            float[][] steps = transformed.GetColumn<VBuffer<float>>("StepErrors").Select(v => v.DenseValues().ToArray()).ToArray();
            float[] scores = model.Transform(view).GetColumn<float>("Score").ToArray();
            for (int i = 0; i < rows.Count; i++)
            {
                // The row's raw score is the mean of its step scores.
                double raw = steps[i].Average(v => (double)v);
                Assert.Equal(scores[i], (float)(raw / (raw + model.Model.Threshold)), 4);
            }
            for (int i = normal.Count; i < rows.Count; i++)
            {
                int worst = Array.IndexOf(steps[i], steps[i].Max());
                Assert.InRange(worst, spikeStep - 1, spikeStep + 1);
            }

            // Saved and loaded, from a loaded anomaly model too; the transformer owns its own network.
            string dir = Directory.CreateTempSubdirectory("seqae-steps-").FullName;
            try
            {
                string path = Path.Combine(dir, "steps.zip");
                ML.Model.Save(stepErrors, view.Schema, path);
                var loaded = ML.Model.Load(path, out _);
                Assert.Equal(steps[25], loaded.Transform(view).GetColumn<VBuffer<float>>("StepErrors").ElementAt(25).DenseValues().ToArray());
                ((IDisposable)loaded).Dispose();

                string anomalyPath = Path.Combine(dir, "anomaly.zip");
                ML.Model.Save(model, view.Schema, anomalyPath);
                var loadedModel = (SequenceAnomalyModelParameters)((ISingleFeaturePredictionTransformer<object>)ML.Model.Load(anomalyPath, out _)).Model;
                using var fromLoaded = ML.Transforms.ComputeSequenceStepErrors(loadedModel).Fit(view);
                loadedModel.Dispose();
                Assert.Equal(steps[25], fromLoaded.Transform(view).GetColumn<VBuffer<float>>("StepErrors").ElementAt(25).DenseValues().ToArray());
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }

            var wrong = Assert.ThrowsAny<Exception>(() => ML.Transforms.ComputeSequenceStepErrors(model.Model, inputColumnName: "Label").Fit(view));
            Assert.Contains("Label", wrong.Message);
        }

        private static SchemaDefinition Definition(int size)
        {
            var definition = SchemaDefinition.Create(typeof(AnomalyRow));
            definition[nameof(AnomalyRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
            return definition;
        }

        public sealed class AnomalyOutput
        {
            public float Score { get; set; }

            public bool PredictedLabel { get; set; }
        }

        private sealed class DisposableModel : IDisposable
        {
            public DisposableModel(AnomalyPredictionTransformer<SequenceAnomalyModelParameters> transformer) => Transformer = transformer;

            public AnomalyPredictionTransformer<SequenceAnomalyModelParameters> Transformer { get; }

            public void Dispose() => Transformer.Model.Dispose();
        }
    }
}
