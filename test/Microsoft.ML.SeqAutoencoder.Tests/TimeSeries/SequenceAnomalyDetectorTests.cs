using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Microsoft.ML.SeqAutoencoder.TimeSeries;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SeqAutoencoder.Tests.TimeSeries
{
    /// <summary>The streaming detector: detection quality, output contract, laziness, online engine, persistence.</summary>
    public sealed class SequenceAnomalyDetectorTests : IClassFixture<DetectorFixture>
    {
        private const int TestRows = 600;

        private readonly DetectorFixture _fixture;
        private readonly ITestOutputHelper _output;

        public SequenceAnomalyDetectorTests(DetectorFixture fixture, ITestOutputHelper output)
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

        [Fact]
        public void InjectedAnomaliesAreFoundWithHighAucPrAndAlertsFireNearThem()
        {
            var (values, anomalies) = TestSeries();
            double[][] outputs = Detect(values);
            int w = DetectorFixture.WindowSize;
            double[] scores = outputs.Select(o => o[1]).ToArray();
            bool[] labels = SyntheticSeries.WindowLabels(values.Length, anomalies, w);

            double auc = PrecisionRecall.AveragePrecision(scores, labels);
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
            var (values, anomalies) = TestSeries();
            int w = DetectorFixture.WindowSize;
            var windows = Enumerable.Range(0, values.Length - w + 1).Select(s => values.AsSpan(s, w).ToArray()).ToList();
            var scorer = _fixture.Model.Scorer;
            double[] mean = scorer.RawScores(windows);
            double[] last = new WindowScorer(scorer.Model, w, WindowScoreKind.LastStep, scorer.NullScores, scorer.Confidence).RawScores(windows);

            bool[] windowLabels = SyntheticSeries.WindowLabels(values.Length, anomalies, w)[(w - 1)..];
            bool[] pointLabels = SyntheticSeries.PointLabels(values.Length, anomalies)[(w - 1)..];
            double meanWindow = PrecisionRecall.AveragePrecision(mean, windowLabels);
            double lastWindow = PrecisionRecall.AveragePrecision(last, windowLabels);
            double meanPoint = PrecisionRecall.AveragePrecision(mean, pointLabels);
            double lastPoint = PrecisionRecall.AveragePrecision(last, pointLabels);
            _output.WriteLine($"AUC-PR, window labels: window mean {meanWindow:F3}, last step {lastWindow:F3}");
            _output.WriteLine($"AUC-PR, point labels:  window mean {meanPoint:F3}, last step {lastPoint:F3}");
            Assert.True(meanWindow > lastWindow, $"window mean {meanWindow:F3} vs last step {lastWindow:F3}");
        }
    }
}
