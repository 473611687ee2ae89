using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SeqAutoencoder.Tests.Encoding
{
    /// <summary>Variable-length rows, prediction mode, and scoring a large view lazily.</summary>
    public sealed class SequenceEncodingScenarioTests
    {
        private readonly MLContext _ml = new MLContext(seed: 1);
        private readonly ITestOutputHelper _output;

        public SequenceEncodingScenarioTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void VariableLengthRowsEncodeWithoutPaddingBias()
        {
            var rows = RaggedRow.Generate(120, seed: 3);
            var data = _ml.Data.LoadFromEnumerable(rows);
            var options = new SequenceEncodingOptions
            {
                InputColumnName = "Sequence", FeaturesPerStep = 2, EncodingSize = 6, HiddenSizes = new[] { 12 }, Epochs = 3,
                ReconstructionColumnName = "Reconstruction", ScoringBatchSize = 50, Readout = SequenceEncodingReadout.Code,
            };
            using var model = _ml.Transforms.EncodeSequences(options).Fit(data);

            var schema = model.GetOutputSchema(data.Schema);
            Assert.Equal(0, ((VectorDataViewType)schema["Reconstruction"].Type).Size);
            var batched = Read(model.Transform(data));
            var engine = _ml.Model.CreatePredictionEngine<RaggedRow, RaggedOutput>(model);
            for (int i = 0; i < rows.Count; i += 5)
            {
                var alone = engine.Predict(rows[i]);
                Assert.Equal(rows[i].Sequence.Length, batched[i].Reconstruction.Length);
                for (int k = 0; k < alone.Encoding.Length; k++)
                    Assert.True(Math.Abs(alone.Encoding[k] - batched[i].Encoding[k]) <= 1e-5f, $"row {i}, slot {k}");
            }
        }

        [Trait("Category", QualitySeed.Category)]
        [Fact]
        public void PredictionModeForecastsTheTailOfEachRow()
        {
            const int steps = 24, future = 6;
            var (inputs, tails) = SyntheticSequences.SineMixtures(300, steps - future, future, seed: 4);
            var rows = Enumerable.Range(0, inputs.Count)
                .Select(i => new ShapeLikeRow { Sequence = inputs.Get(i).ToArray().Concat(tails.Get(i).ToArray()).ToArray() }).ToList();
            var options = new SequenceEncodingOptions
            {
                InputColumnName = "Sequence", Mode = SequenceAutoencoderMode.Composite, PredictionLength = future,
                EncodingSize = 16, HiddenSizes = new[] { 32 }, Epochs = 30, LearningRate = 0.01, Seed = QualitySeed.Of(1),
                ForecastColumnName = "Forecast", ReconstructionColumnName = "Reconstruction", ReconstructionErrorColumnName = "Error",
            };
            var data = _ml.Data.LoadFromEnumerable(rows);
            using var model = _ml.Transforms.EncodeSequences(options).Fit(data);
            Assert.Equal(future, model.PredictionLength);

            var scored = model.Transform(data);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, future), scored.Schema["Forecast"].Type);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, steps - future), scored.Schema["Reconstruction"].Type);
            var forecasts = scored.GetColumn<VBuffer<float>>("Forecast").Select(v => v.DenseValues().ToArray()).ToArray();
            var actual = rows.Select(r => r.Sequence[(steps - future)..]).ToArray();
            double mse = SyntheticSequences.MeanSquaredError(actual, forecasts);
            double variance = SyntheticSequences.Variance(actual);
            _output.WriteLine($"forecast MSE {mse:F4}, variance {variance:F4}");
            Assert.True(mse < 0.3 * variance, $"forecast MSE {mse} vs variance {variance}");
            Assert.All(scored.GetColumn<float>("Error"), e => Assert.True(float.IsFinite(e)));

            // Rows too short to hold an input step and the forecast steps are rejected by name.
            var shortRows = _ml.Data.LoadFromEnumerable(new[] { new ShortRow { Sequence = new float[future] } });
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(shortRows));
            Assert.Contains("at least 7 steps", e.Message);
        }

        [Fact]
        public void ScoringALargeLazyViewKeepsMemoryFlat()
        {
            const int steps = 8;
            IEnumerable<LongRow> Generate(int count)
            {
                var random = new Random(5);
                for (int i = 0; i < count; i++)
                {
                    var values = new float[steps];
                    for (int t = 0; t < steps; t++)
                        values[t] = (float)Math.Sin(0.5 * t + random.NextDouble());
                    yield return new LongRow { Sequence = values };
                }
            }

            var options = new SequenceEncodingOptions
            {
                InputColumnName = "Sequence", EncodingSize = 4, HiddenSizes = new[] { 8 }, Epochs = 1, ScoringBatchSize = 512,
            };
            using var model = _ml.Transforms.EncodeSequences(options).Fit(_ml.Data.LoadFromEnumerable(Generate(256)));
            // Data larger than the output cache's first-pass budget (1 MiB here, about 12k rows of this shape): one pass
            // keeps nothing past it, so memory does not grow with the rows.
            model.OutputCacheBudget = OutputCacheBudget.Of(1 << 20, OutputCacheBudget.Automatic);

            long Score(int count)
            {
                var view = model.Transform(_ml.Data.LoadFromEnumerable(Generate(count)));
                using var cursor = view.GetRowCursor(new[] { view.Schema["Encoding"] });
                var getter = cursor.GetGetter<VBuffer<float>>(view.Schema["Encoding"]);
                var value = default(VBuffer<float>);
                long n = 0;
                while (cursor.MoveNext())
                {
                    getter(ref value);
                    n++;
                }
                Assert.Equal(count, n);
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                return GC.GetTotalMemory(forceFullCollection: true);
            }

            Score(20_000);
            long passes = model.Model.ForwardPasses;
            long managedSmall = Score(20_000);
            long rssSmall = Process.GetCurrentProcess().WorkingSet64;
            long managedLarge = Score(400_000);
            long rssLarge = Process.GetCurrentProcess().WorkingSet64;
            _output.WriteLine($"managed heap after 20k rows {managedSmall / 1e6:F1} MB, after 400k rows {managedLarge / 1e6:F1} MB; " +
                $"RSS {rssSmall / 1e6:F0} MB -> {rssLarge / 1e6:F0} MB");

            Assert.Equal(passes + 40 + 782, model.Model.ForwardPasses); // ceil(20000/512) + ceil(400000/512)
            Assert.True(managedLarge - managedSmall < 16_000_000, "the managed heap grew with the row count");
            Assert.True(rssLarge - rssSmall < 64_000_000, "the process grew with the row count");
        }

        private sealed class RaggedOutput
        {
            [VectorType(6)]
            public float[] Encoding { get; set; }
        }

        private sealed class ShapeLikeRow
        {
            [VectorType(24)]
            public float[] Sequence { get; set; }
        }

        private sealed class ShortRow
        {
            [VectorType(6)]
            public float[] Sequence { get; set; }
        }

        private sealed class LongRow
        {
            [VectorType(8)]
            public float[] Sequence { get; set; }
        }

        private static List<(float[] Encoding, float[] Reconstruction)> Read(IDataView view)
        {
            var encodings = view.GetColumn<VBuffer<float>>("Encoding").Select(v => v.DenseValues().ToArray()).ToList();
            var rebuilt = view.GetColumn<VBuffer<float>>("Reconstruction").Select(v => v.DenseValues().ToArray()).ToList();
            return encodings.Zip(rebuilt).ToList();
        }
    }
}
