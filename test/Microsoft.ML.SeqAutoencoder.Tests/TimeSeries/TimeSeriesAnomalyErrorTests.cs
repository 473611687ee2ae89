using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.TimeSeries
{
    /// <summary>Bad columns, bad rows, too little data and bad options fail with messages naming what is wrong.</summary>
    public sealed class TimeSeriesAnomalyErrorTests : IClassFixture<DetectorFixture>
    {
        private readonly DetectorFixture _fixture;

        public TimeSeriesAnomalyErrorTests(DetectorFixture fixture)
        {
            _fixture = fixture;
        }

        private MLContext ML => _fixture.MLContext;

        private sealed class MixedRow
        {
            public float Value { get; set; }

            public string Text { get; set; }

            [VectorType(3)]
            public float[] Three { get; set; }

            [VectorType(2)]
            public float[] Two { get; set; }

            public double Double { get; set; }
        }

        private sealed class TextValueRow
        {
            public string Value { get; set; }
        }

        private sealed class PairRow
        {
            [VectorType(2)]
            public float[] Pair { get; set; }
        }

        private static TimeSeriesAnomalyOptions Tiny(string input = "Value", int f = 1, int window = 8) => new TimeSeriesAnomalyOptions
        {
            InputColumnName = input,
            OutputColumnName = "Prediction",
            FeaturesPerStep = f,
            WindowSize = window,
            Stride = 1,
            HiddenSizes = new[] { 4 },
            EncodingSize = 4,
            Epochs = 1,
            Seed = 1,
        };

        private IDataView Mixed(int rows)
            => ML.Data.LoadFromEnumerable(Enumerable.Range(0, rows).Select(i => new MixedRow
            {
                Value = MathF.Sin(i),
                Text = "x",
                Three = new float[3],
                Two = new[] { MathF.Sin(i), MathF.Cos(i) },
            }));

        [Theory]
        [InlineData("Missing", 1, null, null)]
        [InlineData("Text", 1, "Single or vector of Single with 1 value", "String")]
        [InlineData("Double", 1, "Single or vector of Single with 1 value", "Double")]
        [InlineData("Three", 2, "vector of Single with 2 values", "Vector<Single, 3>")]
        [InlineData("Value", 2, "vector of Single with 2 values", "Single")]
        public void WrongOrMissingInputColumnIsASchemaMismatch(string column, int f, string expected, string actual)
        {
            var data = Mixed(40);
            var estimator = ML.Transforms.DetectAnomalyBySequenceAutoencoder(Tiny(column, f));
            var errors = new List<ArgumentOutOfRangeException> { Assert.Throws<ArgumentOutOfRangeException>(() => estimator.Fit(data)) };
            // A schema shape has no vector size: a vector of the wrong size passes the estimator's shape check and fails in Fit.
            if (actual == null || !actual.StartsWith("Vector<Single", StringComparison.Ordinal))
                errors.Add(Assert.Throws<ArgumentOutOfRangeException>(() => estimator.GetOutputSchema(SchemaShape.Create(data.Schema))));
            else
                estimator.GetOutputSchema(SchemaShape.Create(data.Schema));
            foreach (var e in errors)
            {
                Assert.Contains($"'{column}'", e.Message);
                if (expected != null)
                {
                    Assert.Contains(expected, e.Message);
                    Assert.Contains(actual, e.Message);
                }
            }
        }

        [Fact]
        public void FittedDetectorRejectsAWrongInputColumn()
        {
            var data = ML.Data.LoadFromEnumerable(new[] { new TextValueRow { Value = "1" } });
            var errors = new[]
            {
                Assert.Throws<ArgumentOutOfRangeException>(() => _fixture.Model.Transform(data)),
                Assert.Throws<ArgumentOutOfRangeException>(() => _fixture.Model.GetOutputSchema(data.Schema)),
            };
            foreach (var e in errors)
            {
                Assert.Contains("'Value'", e.Message);
                Assert.Contains("Single or vector of Single with 1 value", e.Message);
                Assert.Contains("String", e.Message);
            }
            var missing = Assert.Throws<ArgumentOutOfRangeException>(() => _fixture.Model.Transform(ML.Data.LoadFromEnumerable(new[] { new PairRow() })));
            Assert.Contains("'Value'", missing.Message);
        }

        [Fact]
        public void VectorStepsOfTheRightSizeAreAccepted()
        {
            var data = Mixed(60);
            using var model = ML.Transforms.DetectAnomalyBySequenceAutoencoder(Tiny("Two", f: 2)).Fit(data);
            var outputs = model.Transform(data).GetColumn<VBuffer<double>>("Prediction").Select(v => v.DenseValues().ToArray()).ToArray();
            var engine = model.CreateOnlineEngine();
            var rows = data.GetColumn<VBuffer<float>>("Two").Select(v => v.DenseValues().ToArray()).ToArray();
            for (int i = 0; i < rows.Length; i++)
                Assert.Equal(outputs[i], engine.Process(rows[i]));
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => engine.Process(1f));
            Assert.Contains("expected 2 values per step; found 1", e.Message);

            model.Dispose();
            Assert.Throws<ObjectDisposedException>(() => engine.Process(rows[0]));
            Assert.Throws<ObjectDisposedException>(() => model.Transform(data));
            Assert.Throws<ObjectDisposedException>(() => model.CreateOnlineEngine());
        }

        [Fact]
        public void NonFiniteRowsNameTheColumnAndRow()
        {
            float[] values = Enumerable.Range(0, 40).Select(i => MathF.Sin(i)).ToArray();
            values[17] = float.NaN;
            var e = Assert.Throws<InvalidOperationException>(() =>
                ML.Transforms.DetectAnomalyBySequenceAutoencoder(Tiny()).Fit(ML.Data.LoadFromEnumerable(SyntheticSeries.Rows(values))));
            Assert.Contains("Column 'Value', row 17", e.Message);
            Assert.Contains("NaN", e.Message);

            var scored = _fixture.Model.Transform(ML.Data.LoadFromEnumerable(SyntheticSeries.Rows(values)));
            e = Assert.Throws<InvalidOperationException>(() => scored.GetColumn<VBuffer<double>>("Prediction").ToArray());
            Assert.Contains("Column 'Value', row 17", e.Message);

            var engine = _fixture.Model.CreateOnlineEngine();
            for (int i = 0; i < 17; i++)
                engine.Process(values[i]);
            e = Assert.Throws<InvalidOperationException>(() => engine.Process(float.PositiveInfinity));
            Assert.Contains("Column 'Value', row 17", e.Message);
            Assert.Equal(17, engine.RowsProcessed);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(7)]
        [InlineData(12)]
        public void TooFewTrainingRowsIsAClearError(int rows)
        {
            var data = ML.Data.LoadFromEnumerable(SyntheticSeries.Rows(Enumerable.Range(0, rows).Select(i => MathF.Sin(i)).ToArray()));
            var e = Assert.Throws<InvalidOperationException>(() => ML.Transforms.DetectAnomalyBySequenceAutoencoder(Tiny(window: 8)).Fit(data));
            Assert.Contains("Column 'Value'", e.Message);
            Assert.Contains($"{rows} training rows", e.Message);
            Assert.Contains("Windows of 8 rows", e.Message);
            Assert.Contains("At least 17 rows are needed", e.Message);
        }

        [Fact]
        public void EngineStateOfAnotherWindowSizeOrGarbageIsRejected()
        {
            var state = new MemoryStream();
            using (var other = ML.Transforms.DetectAnomalyBySequenceAutoencoder(Tiny(window: 8)).Fit(Mixed(40)))
                other.CreateOnlineEngine().SaveState(state);
            state.Position = 0;
            var e = Assert.Throws<InvalidDataException>(() => _fixture.Model.CreateOnlineEngine(state));
            Assert.Contains("8 steps", e.Message);
            Assert.Throws<InvalidDataException>(() => _fixture.Model.CreateOnlineEngine(new MemoryStream(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 })));
            Assert.Throws<InvalidDataException>(() => _fixture.Model.CreateOnlineEngine(new MemoryStream(new byte[] { 0x53, 0x41, 0x51 })));
        }

        [Fact]
        public void TooFewHeldOutWindowsForAnyAlertIsAWarning()
        {
            var ml = new MLContext(seed: 1);
            var log = new List<string>();
            ml.Log += (_, e) =>
            {
                lock (log)
                    log.Add(e.Message);
            };
            var data = ml.Data.LoadFromEnumerable(SyntheticSeries.Rows(Enumerable.Range(0, 60).Select(i => MathF.Sin(i)).ToArray()));
            using var model = ml.Transforms.DetectAnomalyBySequenceAutoencoder(Tiny(window: 8)).Fit(data);

            // 53 windows: 11 held out, so the smallest p-value is 1/12, not below 1 - 99/100.
            Assert.Equal(11, model.HeldOutWindowCount);
            lock (log)
            {
                Assert.Contains(log, m => m.Contains("Only 11 held-out windows") && m.Contains("no alert can fire"));
                Assert.Contains(log, m => m.Contains("Training a sequence anomaly detector (window 8") && m.Contains("35 windows of 60 rows; 11 held out"));
                Assert.Contains(log, m => m.Contains("Epoch 1/1: loss"));
            }
            var outputs = model.Transform(data).GetColumn<VBuffer<double>>("Prediction").ToArray();
            Assert.All(outputs, o => Assert.Equal(0.0, o.GetItemOrDefault(0)));
        }

        [Fact]
        public void FlatOverloadUsesTheDefaultsAndChecksFeaturesPerStep()
        {
            var data = Mixed(10);
            var shape = ML.Transforms.DetectAnomalyBySequenceAutoencoder("Out", "Two", windowSize: 8, featuresPerStep: 2)
                .GetOutputSchema(SchemaShape.Create(data.Schema));
            Assert.True(shape.TryFindColumn("Out", out var column));
            Assert.Equal(NumberDataViewType.Double, column.ItemType);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ML.Transforms.DetectAnomalyBySequenceAutoencoder("Out", "Value", windowSize: 8, confidence: 0));
            Assert.Equal(nameof(TimeSeriesAnomalyOptions.Confidence), e.ParamName);
            e = Assert.Throws<ArgumentOutOfRangeException>(() => ML.Transforms.DetectAnomalyBySequenceAutoencoder("Out", "Value", windowSize: 1));
            Assert.Equal(nameof(TimeSeriesAnomalyOptions.WindowSize), e.ParamName);
            var options = new TimeSeriesAnomalyOptions();
            Assert.Equal((32, 4, 99.0, 0.2), (options.WindowSize, options.Stride, options.Confidence, options.HoldOutFraction));
        }

        public static TheoryData<string, Action<TimeSeriesAnomalyOptions>> InvalidOptions => new TheoryData<string, Action<TimeSeriesAnomalyOptions>>
        {
            { nameof(TimeSeriesAnomalyOptions.WindowSize), o => o.WindowSize = 1 },
            { nameof(TimeSeriesAnomalyOptions.Stride), o => o.Stride = 0 },
            { nameof(TimeSeriesAnomalyOptions.Confidence), o => o.Confidence = 100 },
            { nameof(TimeSeriesAnomalyOptions.Confidence), o => o.Confidence = double.NaN },
            { nameof(TimeSeriesAnomalyOptions.HoldOutFraction), o => o.HoldOutFraction = 0 },
            { nameof(TimeSeriesAnomalyOptions.HoldOutFraction), o => o.HoldOutFraction = 1 },
            { nameof(TimeSeriesAnomalyOptions.InputColumnName), o => o.InputColumnName = " " },
            { nameof(TimeSeriesAnomalyOptions.OutputColumnName), o => o.OutputColumnName = null },
            { nameof(TimeSeriesAnomalyOptions.PredictionLength), o => { o.Mode = SequenceAutoencoderMode.Prediction; o.PredictionLength = 0; } },
            { nameof(TimeSeriesAnomalyOptions.Epochs), o => o.Epochs = 0 },
        };

        [Theory]
        [MemberData(nameof(InvalidOptions))]
        public void InvalidOptionsNameTheOption(string option, Action<TimeSeriesAnomalyOptions> spoil)
        {
            var options = Tiny();
            spoil(options);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ML.Transforms.DetectAnomalyBySequenceAutoencoder(options));
            Assert.Equal(option, e.ParamName);
        }
    }
}
