using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.TimeSeries
{
    /// <summary>
    /// The streaming detector's modes (reconstruction, prediction, composite), the features per step taken from the column,
    /// scores that fail closed, and the opt-in that scores non-finite steps as anomalies instead of stopping the view.
    /// </summary>
    public sealed class TimeSeriesAnomalyModeTests
    {
        private const int Window = 12;

        private sealed class PairRow
        {
            [VectorType(2)]
            public float[] Pair { get; set; }
        }

        private sealed class VariableRow
        {
            public float[] Values { get; set; }
        }

        private static TimeSeriesAnomalyOptions Small(SequenceAutoencoderMode mode = SequenceAutoencoderMode.Reconstruction, string input = "Value") => new TimeSeriesAnomalyOptions
        {
            InputColumnName = input,
            OutputColumnName = "Prediction",
            WindowSize = Window,
            Mode = mode,
            PredictionLength = 3,
            HiddenSizes = new[] { 12 },
            EncodingSize = 8,
            Epochs = 8,
            ValidationFraction = 0,
            Seed = QualitySeed.Of(1),
        };

        /// <summary>
        /// Checks that the online engine returns <paramref name="outputs"/> step by step and that the model, saved and loaded,
        /// transforms <paramref name="test"/> into them again; returns the loaded model.
        /// </summary>
        private static TimeSeriesAnomalyDetector EngineAgreesAndSavedModelLoads(MLContext ml, TimeSeriesAnomalyDetector model, IDataView test,
            float[] values, double[][] outputs)
        {
            var engine = model.CreateOnlineEngine();
            for (int i = 0; i < values.Length; i++)
                Assert.Equal(outputs[i], engine.Process(values[i]));
            var stream = new MemoryStream();
            ml.Model.Save(model, test.Schema, stream);
            stream.Position = 0;
            var loaded = (TimeSeriesAnomalyDetector)ml.Model.Load(stream, out _);
            Assert.Equal(outputs, Outputs(loaded.Transform(test)));
            return loaded;
        }

        private static double[][] Outputs(IDataView scored)
            => scored.GetColumn<VBuffer<double>>("Prediction").Select(v => v.DenseValues().ToArray()).ToArray();

        [Fact]
        public void DefaultsAreTheMeasuredOnes()
        {
            var options = new TimeSeriesAnomalyOptions();
            Assert.Equal(0, options.FeaturesPerStep);
            Assert.Equal(4, options.Stride);
            Assert.Equal(FeatureScaling.Robust, options.FeatureScaling);
            Assert.Equal(40, options.Epochs);
            Assert.Equal(SequenceAutoencoderMode.Reconstruction, options.Mode);
            Assert.False(options.NonFiniteStepsAreAnomalies);
            // Other autoencoders keep standardization.
            Assert.Equal(FeatureScaling.Standard, new SequenceAnomalyOptions().FeatureScaling);
        }

        [Fact]
        public void FeaturesPerStepIsTakenFromTheColumnWhenNotGiven()
        {
            var ml = new MLContext(seed: 1);
            float[] values = SyntheticSeries.Clean(0, 300, seed: 3);
            var pairs = ml.Data.LoadFromEnumerable(values.Select((v, i) => new PairRow { Pair = new[] { v, MathF.Cos(i / 4f) } }));
            var options = Small(input: nameof(PairRow.Pair));
            options.Epochs = 2;
            using (var model = ml.Transforms.DetectAnomalyBySequenceAutoencoder(options).Fit(pairs))
            {
                Assert.Equal(2, model.FeaturesPerStep);
                Assert.Equal(300, Outputs(model.Transform(pairs)).Length);
                Assert.Equal(3, model.CreateOnlineEngine().Process(new[] { 0f, 1f }).Length);
            }
            var single = ml.Data.LoadFromEnumerable(SyntheticSeries.Rows(values));
            var flat = ml.Transforms.DetectAnomalyBySequenceAutoencoder("Prediction", "Value", windowSize: Window);
            Assert.True(flat.GetOutputSchema(SchemaShape.Create(single.Schema)).TryFindColumn("Prediction", out _));
            options = Small();
            options.Epochs = 2;
            using (var model = ml.Transforms.DetectAnomalyBySequenceAutoencoder(options).Fit(single))
                Assert.Equal(1, model.FeaturesPerStep);

            // A vector of unknown size cannot say how many features a step has.
            var variable = ml.Data.LoadFromEnumerable(new[] { new VariableRow { Values = new[] { 1f, 2f } } });
            options = Small(input: nameof(VariableRow.Values));
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.DetectAnomalyBySequenceAutoencoder(options).Fit(variable));
            Assert.Contains("'Values'", e.Message);
            Assert.Contains("known-sized vector of Single", e.Message);
            Assert.Contains("Vector<Single>", e.Message);
        }

        [Trait("Category", QualitySeed.Category)]
        [Theory]
        [InlineData(SequenceAutoencoderMode.Prediction)]
        [InlineData(SequenceAutoencoderMode.Composite)]
        public void ForecastingModesFindInjectedAnomaliesAgreeWithTheEngineAndSurviveSaveLoad(SequenceAutoencoderMode mode)
        {
            var ml = new MLContext(seed: QualitySeed.Of(1));
            var train = ml.Data.LoadFromEnumerable(SyntheticSeries.Rows(SyntheticSeries.Clean(0, 1000, seed: 3)));
            var (values, anomalies) = SyntheticSeries.WithAnomalies(1000, 500, seed: 5);
            var test = ml.Data.LoadFromEnumerable(SyntheticSeries.Rows(values));
            using var model = ml.Transforms.DetectAnomalyBySequenceAutoencoder(Small(mode)).Fit(train);
            Assert.Equal(mode, model.Mode);
            Assert.Equal(3, model.PredictionLength);

            double[][] outputs = Outputs(model.Transform(test));
            // A span is the window and the 3 steps forecast from it: the first W + 3 − 1 rows have none.
            int warmUp = Window + 3 - 1;
            Assert.All(outputs.Take(warmUp), o => Assert.Equal(new[] { 0.0, 0.0, 1.0 }, o));
            Assert.All(outputs.Skip(warmUp), o => Assert.True(double.IsFinite(o[1]) && o[1] > 0));

            // Spans that hold an injected anomaly outscore the rest.
            bool[] labels = SyntheticSeries.WindowLabels(values.Length, anomalies, Window + 3);
            double auc = AnomalyMetrics.AucPr(outputs.Select(o => o[1]).ToArray(), labels);
            double chance = labels.Count(l => l) / (double)labels.Length;
            Assert.True(auc > 0.6, $"AUC-PR {auc:F3} (chance {chance:F3})");

            using var loaded = EngineAgreesAndSavedModelLoads(ml, model, test, values, outputs);
            Assert.Equal((mode, 3), (loaded.Mode, loaded.PredictionLength));
        }

        [Fact]
        public void AnOverflowingScoreIsTheMostAnomalousNotNormal()
        {
            var ml = new MLContext(seed: 1);
            // A series of small values: its scale is about 0.01, so the largest float, scaled, overflows to ∞ in the network.
            float[] Small01(float[] v) => v.Select(x => x * 0.01f).ToArray();
            var train = ml.Data.LoadFromEnumerable(SyntheticSeries.Rows(Small01(SyntheticSeries.Clean(0, 1000, seed: 3))));
            var options = Small();
            options.Epochs = 2;
            using var model = ml.Transforms.DetectAnomalyBySequenceAutoencoder(options).Fit(train);
            Assert.True(model.HeldOutWindowCount >= 100);
            float[] values = Small01(SyntheticSeries.Clean(1000, 60, seed: 4));
            values[40] = float.MaxValue;
            double[][] outputs = Outputs(model.Transform(ml.Data.LoadFromEnumerable(SyntheticSeries.Rows(values))));
            double smallestP = 1.0 / (model.HeldOutWindowCount + 1);
            Assert.Equal((1.0, smallestP), (outputs[40][0], outputs[40][2]));
            Assert.True(outputs[40][1] > 1e30, $"raw {outputs[40][1]}");
            Assert.True(double.IsFinite(outputs[39][1]));
            var engine = model.CreateOnlineEngine();
            for (int i = 0; i < 40; i++)
                engine.Process(values[i]);
            Assert.Equal(outputs[40], engine.Process(values[40]));

            // A raw score that is not finite (NaN from ∞ − ∞ inside the network, or an overflow) is the most anomalous, not normal.
            foreach (double raw in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
            {
                var output = model.Scorer.Output(raw);
                Assert.Equal((true, double.PositiveInfinity, smallestP), (output.Alert, output.RawScore, output.PValue));
            }
        }

        [Fact]
        public void PerSequenceScoresFailClosed()
        {
            var ml = new MLContext(seed: 1);
            var rows = Enumerable.Range(0, 64).Select(i => new SequenceRow
            {
                Features = Enumerable.Range(0, 10).Select(t => MathF.Sin(0.5f * t + i)).ToArray(),
            }).ToArray();
            var options = new SequenceAnomalyOptions
            {
                FeatureColumnName = nameof(SequenceRow.Features),
                HiddenSizes = new[] { 4 },
                EncodingSize = 4,
                Epochs = 1,
                Seed = 1,
            };
            var model = ml.AnomalyDetection.Trainers.LstmAutoencoder(options).Fit(ml.Data.LoadFromEnumerable(rows));
            using (model.Model)
            {
                foreach (double raw in new[] { double.NaN, double.PositiveInfinity })
                    Assert.Equal(1f, model.Model.Normalize(raw));
                Assert.True(model.Model.Normalize(1e300) > 0.99f);
                Assert.Equal(0f, model.Model.Normalize(0));
            }
        }

        private sealed class SequenceRow
        {
            [VectorType(10)]
            public float[] Features { get; set; }
        }

        [Fact]
        public void NonFiniteStepsAlertWhenTheUserOptsInAndTheStreamGoesOn()
        {
            var ml = new MLContext(seed: 1);
            var train = ml.Data.LoadFromEnumerable(SyntheticSeries.Rows(SyntheticSeries.Clean(0, 400, seed: 3)));
            var options = Small();
            options.Epochs = 2;
            options.NonFiniteStepsAreAnomalies = true;
            using var model = ml.Transforms.DetectAnomalyBySequenceAutoencoder(options).Fit(train);
            Assert.True(model.NonFiniteStepsAreAnomalies);

            float[] clean = SyntheticSeries.Clean(400, 60, seed: 4);
            float[] values = (float[])clean.Clone();
            values[5] = float.NaN;
            values[30] = float.NegativeInfinity;
            var test = ml.Data.LoadFromEnumerable(SyntheticSeries.Rows(values));
            double[][] outputs = Outputs(model.Transform(test));
            double smallestP = 1.0 / (model.HeldOutWindowCount + 1);
            foreach (int row in new[] { 5, 30 })
                Assert.Equal(new[] { 1.0, double.PositiveInfinity, smallestP }, outputs[row]);
            // The other rows are scored; the window is full from row W − 1 on, as without the bad steps.
            Assert.Equal(new[] { 0.0, 0.0, 1.0 }, outputs[Window - 2]);
            Assert.All(outputs.Where((_, i) => i >= Window - 1 && i != 30), o => Assert.True(double.IsFinite(o[1])));
            // Rows whose windows no longer hold a bad step score as the clean series does.
            double[][] reference = Outputs(model.Transform(ml.Data.LoadFromEnumerable(SyntheticSeries.Rows(clean))));
            Assert.Equal(reference[59], outputs[59]);

            using var loaded = EngineAgreesAndSavedModelLoads(ml, model, test, values, outputs);
            Assert.True(loaded.NonFiniteStepsAreAnomalies);

            // Training data must be finite either way.
            var bad = SyntheticSeries.Clean(0, 400, seed: 3);
            bad[100] = float.NaN;
            var e = Assert.Throws<InvalidOperationException>(() => ml.Transforms.DetectAnomalyBySequenceAutoencoder(options).Fit(
                ml.Data.LoadFromEnumerable(SyntheticSeries.Rows(bad))));
            Assert.Contains("Column 'Value', row 100", e.Message);
        }
    }
}
