using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Microsoft.ML.SeqAutoencoder.Tests.TimeSeries;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.MLNet
{
    /// <summary>
    /// A transformed view keeps its scored batches within a memory budget, so later cursors over it (the passes of a
    /// multi-pass trainer) read them instead of running the network again: a single pass keeps at most the first pass's
    /// budget, a view read again keeps up to the whole budget, and past it every cursor streams.
    /// </summary>
    public sealed class OutputCacheTests : IDisposable
    {
        private const int Rows = 300;
        private const int BatchSize = 64; // 300 rows: 5 forward passes per full pass
        private readonly MLContext _ml = new MLContext(seed: 1);
        private readonly List<ShapeRow> _rows = ShapeRow.Generate(Rows, seed: 4);
        private readonly IDataView _data;
        private readonly SequenceEncodingTransformer _encoder;

        public OutputCacheTests()
        {
            _data = _ml.Data.LoadFromEnumerable(_rows);
            _encoder = _ml.Transforms.EncodeSequences(new SequenceEncodingOptions
            {
                InputColumnName = nameof(ShapeRow.Sequence), HiddenSizes = new[] { 8 }, EncodingSize = 4, Epochs = 1, Seed = 1,
                ReconstructionColumnName = "Reconstruction", ScoringBatchSize = BatchSize,
            }).Fit(_data);
            _encoder.OutputCacheBudget = Budget;
        }

        /// <summary>The default budget, set explicitly so that the process's settings do not change what is tested.</summary>
        private static OutputCacheBudget Budget => OutputCacheBudget.Of(OutputCacheBudget.FirstPassMegabytes * 1024L * 1024, OutputCacheBudget.Automatic);

        /// <summary>A budget whose first pass keeps about one batch of 4-float encodings, and automatic after it.</summary>
        private static OutputCacheBudget SmallFirstPass => OutputCacheBudget.Of(1024, OutputCacheBudget.Automatic);

        public void Dispose() => _encoder.Dispose();

        private static float[][] Read(IDataView view, string column, int rows = int.MaxValue)
        {
            var values = new List<float[]>();
            using var cursor = view.GetRowCursor(new[] { view.Schema[column] });
            var getter = cursor.GetGetter<VBuffer<float>>(view.Schema[column]);
            var value = default(VBuffer<float>);
            while (values.Count < rows && cursor.MoveNext())
            {
                getter(ref value);
                values.Add(value.DenseValues().ToArray());
            }
            return values.ToArray();
        }

        [Fact]
        public void PassesAfterTheFirstRunNoNetworkAndReadTheSameValues()
        {
            IDataView view = _encoder.Transform(_data);
            long before = _encoder.Model.ForwardPasses;
            float[][] first = Read(view, "Encoding");
            Assert.Equal(before + 5, _encoder.Model.ForwardPasses);
            for (int pass = 0; pass < 4; pass++)
                Assert.Equal(first, Read(view, "Encoding"));
            Assert.Equal(before + 5, _encoder.Model.ForwardPasses);

            // A new view of the same data starts its own cache.
            Assert.Equal(first, Read(_encoder.Transform(_data), "Encoding"));
            Assert.Equal(before + 10, _encoder.Model.ForwardPasses);
        }

        /// <summary>Key → NormalizeMeanVariance → SDCA over <paramref name="encoded"/>, no cache checkpoint; returns the forward passes it caused.</summary>
        private long FitSdca(IDataView encoded)
        {
            // SDCA reads its data once per iteration plus convergence checks: 20 iterations here.
            var pipeline = _ml.Transforms.Conversion.MapValueToKey("Key", nameof(ShapeRow.Label))
                .Append(_ml.Transforms.NormalizeMeanVariance("Encoding"))
                .Append(_ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new Trainers.SdcaMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = "Key", FeatureColumnName = "Encoding", MaximumNumberOfIterations = 20, NumberOfThreads = 1,
                }));
            long before = _encoder.Model.ForwardPasses;
            pipeline.Fit(encoded);
            return _encoder.Model.ForwardPasses - before;
        }

        [Fact]
        public void AMultiPassTrainerDoesNotMultiplyForwardPasses()
        {
            // One pass over the rows, however many passes the two stages made.
            Assert.Equal(5, FitSdca(_encoder.Transform(_data)));
        }

        [Fact]
        public void AViewReadAgainAfterOutgrowingTheFirstPassBudgetKeepsTheRestOnItsSecondPass()
        {
            _encoder.OutputCacheBudget = SmallFirstPass;
            IDataView view = _encoder.Transform(_data);
            var cache = ((LookAheadDataView)view).Cache;
            long before = _encoder.Model.ForwardPasses;
            float[][] first = Read(view, "Encoding");
            // One pass keeps what fits the first pass's budget and nothing more: memory of a single lazy pass stays flat.
            int kept = cache.Count;
            Assert.InRange(kept, 0, 1);
            Assert.InRange(cache.Bytes, 0, 1024);
            Assert.Equal(before + 5, _encoder.Model.ForwardPasses);

            // The second pass shows the view is read again: it is served what was kept, scores the rest and keeps it.
            Assert.Equal(first, Read(view, "Encoding"));
            Assert.Equal(before + 10 - kept, _encoder.Model.ForwardPasses);
            Assert.Equal(5, cache.Count);
            for (int pass = 0; pass < 3; pass++)
                Assert.Equal(first, Read(view, "Encoding"));
            Assert.Equal(before + 10 - kept, _encoder.Model.ForwardPasses);
        }

        [Fact]
        public void AMultiPassTrainerRunsTheNetworkAtMostTwiceWhenTheRowsOutgrowTheFirstPassBudget()
        {
            _encoder.OutputCacheBudget = SmallFirstPass;
            IDataView encoded = _encoder.Transform(_data);
            // The normalizer's pass streams; SDCA's first pass keeps the rows; its other passes run no network.
            Assert.InRange(FitSdca(encoded), 9, 10);
            Assert.Equal(5, ((LookAheadDataView)encoded).Cache.Count);
        }

        [Fact]
        public void PastTheWholeBudgetEveryCursorStreamsAndMemoryStaysBounded()
        {
            _encoder.OutputCacheBudget = OutputCacheBudget.Of(1024, 1024); // about one batch of 4-float encodings
            IDataView view = _encoder.Transform(_data);
            var cache = ((LookAheadDataView)view).Cache;
            long before = _encoder.Model.ForwardPasses;
            float[][] first = Read(view, "Encoding");
            int kept = cache.Count;
            Assert.False(cache.GaveUp, "a cache past its first pass's budget stops growing but keeps what it has");
            Assert.Equal(first, Read(view, "Encoding"));
            Assert.True(cache.GaveUp, "a cache past its whole budget must give up");
            Assert.Equal(0, cache.Bytes);
            Assert.Equal(before + 10 - kept, _encoder.Model.ForwardPasses);
            Assert.Equal(first, Read(view, "Encoding"));
            Assert.Equal(before + 15 - kept, _encoder.Model.ForwardPasses);

            _encoder.OutputCacheBudget = OutputCacheBudget.Off;
            view = _encoder.Transform(_data);
            Read(view, "Encoding");
            Read(view, "Encoding");
            Assert.Equal(0, ((LookAheadDataView)view).Cache.Count);
            Assert.Equal(before + 25 - kept, _encoder.Model.ForwardPasses);
        }

        [Theory]
        [InlineData(10_000, 5_000, false)] // half of 10,000 bytes available: the 4 batches (4,000 bytes) fit
        [InlineData(4_000, 2_000, true)]   // half of 4,000: the third batch passes it, and the cache gives up
        public void TheAutomaticBudgetIsHalfTheMemoryAvailableWhenTheSecondPassStarts(long availableAtSecondPass, long expectedLimit, bool givesUp)
        {
            long memory = 1_000_000;
            var cache = new OutputCache(OutputCacheBudget.Of(1_500, OutputCacheBudget.Automatic), () => memory);
            bool[] columns = { true };
            for (int i = 0; i < 3; i++)
                cache.Offer(i, columns, new FakeBatch(1_000)); // the second batch passes the first pass's 1,500 bytes
            Assert.Equal(1, cache.Count);
            Assert.Equal(1_500, cache.Limit);

            memory = availableAtSecondPass;
            cache.StartPass();
            Assert.Equal(expectedLimit, cache.Limit);
            for (int i = 1; i < 4; i++)
                cache.Offer(i, columns, new FakeBatch(1_000));
            Assert.Equal(givesUp, cache.GaveUp);
            Assert.Equal(givesUp ? 0 : 4, cache.Count);

            // Later passes do not widen again, whatever memory is then available.
            memory = long.MaxValue / 4;
            cache.StartPass();
            Assert.Equal(givesUp ? 0 : expectedLimit, cache.Limit);
        }

        [Fact]
        public void AFirstPassWithinItsBudgetDoesNotWidenTheCache()
        {
            var cache = new OutputCache(OutputCacheBudget.Of(1_500, OutputCacheBudget.Automatic), () => throw new InvalidOperationException("not asked"));
            bool[] columns = { true };
            cache.StartPass();
            cache.Offer(0, columns, new FakeBatch(1_000));
            cache.StartPass(); // a second pass while the first kept everything it read: nothing to widen
            Assert.Equal(1_500, cache.Limit);
            Assert.Equal(1, cache.Count);
            Assert.True(new OutputCache(OutputCacheBudget.Off).GaveUp);
        }

        [Theory]
        [InlineData(null, 64, OutputCacheBudget.Automatic)]
        [InlineData("", 64, OutputCacheBudget.Automatic)]
        [InlineData("-5", 64, OutputCacheBudget.Automatic)]
        [InlineData("lots", 64, OutputCacheBudget.Automatic)]
        [InlineData("0", 0, 0)]
        [InlineData("16", 16, 16)]
        [InlineData("2048", 64, 2048)]
        public void TheSettingFixesTheWholeBudgetAndTheFirstPassNeverKeepsMore(string setting, long firstPassMegabytes, long megabytes)
        {
            var budget = OutputCacheBudget.FromSetting(setting);
            Assert.Equal(firstPassMegabytes << 20, budget.FirstPassBytes);
            Assert.Equal(megabytes == OutputCacheBudget.Automatic ? OutputCacheBudget.Automatic : megabytes << 20, budget.Bytes);
            Assert.Equal(megabytes == 0, budget.IsOff);
        }

        private sealed class FakeBatch : ScoredBatch
        {
            public FakeBatch(long bytes) => Bytes = bytes;

            public override int Count => 1;

            public override long Bytes { get; }
        }

        [Fact]
        public void APartialFirstPassIsContinuedAndOtherColumnsAreScoredForThemselves()
        {
            float[][] expectedEncodings = Read(_encoder.Transform(_data), "Encoding");
            float[][] expectedReconstructions = Read(_encoder.Transform(_data), "Reconstruction");

            IDataView view = _encoder.Transform(_data);
            long before = _encoder.Model.ForwardPasses;
            Assert.Equal(expectedEncodings[..100], Read(view, "Encoding", rows: 100)); // two batches scored and kept
            Assert.Equal(before + 2, _encoder.Model.ForwardPasses);
            Assert.Equal(expectedEncodings, Read(view, "Encoding"));                    // two kept, three scored
            Assert.Equal(before + 5, _encoder.Model.ForwardPasses);

            // The kept batches hold the encoding only: a cursor that reads the reconstruction scores for itself.
            Assert.Equal(expectedReconstructions, Read(view, "Reconstruction"));
            Assert.Equal(before + 10, _encoder.Model.ForwardPasses);
            Assert.Equal(expectedEncodings, Read(view, "Encoding"));
            Assert.Equal(before + 10, _encoder.Model.ForwardPasses);
        }

        [Fact]
        public void ParallelCursorsScoreEachBatchOnce()
        {
            IDataView view = _encoder.Transform(_data);
            long before = _encoder.Model.ForwardPasses;
            float[][][] results = new float[4][][];
            System.Threading.Tasks.Parallel.For(0, results.Length, i => results[i] = Read(view, "Encoding"));
            Assert.All(results, r => Assert.Equal(results[0], r));
            Assert.Equal(before + 5, _encoder.Model.ForwardPasses);
        }

        [Fact]
        public void TheStreamingDetectorContinuesItsWindowAfterKeptBatches()
        {
            var ml = new MLContext(seed: 1);
            var training = SyntheticSeries.Rows(SyntheticSeries.Clean(0, 600, seed: 5));
            var options = DetectorFixture.Options();
            options.Epochs = 1;
            options.ScoringBatchSize = 50;
            using var detector = ml.Transforms.DetectAnomalyBySequenceAutoencoder(options).Fit(ml.Data.LoadFromEnumerable(training));
            detector.OutputCacheBudget = Budget;
            var live = ml.Data.LoadFromEnumerable(SyntheticSeries.Rows(SyntheticSeries.WithAnomalies(600, 400, seed: 6).Values));
            double[][] expected = live.GetColumn<double[]>("Prediction", detector).ToArray();

            IDataView view = detector.Transform(live);
            using (var cursor = view.GetRowCursor(new[] { view.Schema["Prediction"] }))
            {
                // Read 120 rows: three batches of 50 are scored and kept.
                var getter = cursor.GetGetter<VBuffer<double>>(view.Schema["Prediction"]);
                var value = default(VBuffer<double>);
                for (int i = 0; i < 120 && cursor.MoveNext(); i++)
                    getter(ref value);
            }
            long passes = detector.Scorer.Model.ForwardPasses;
            double[][] actual = view.GetColumn<VBuffer<double>>(view.Schema["Prediction"]).Select(v => v.DenseValues().ToArray()).ToArray();
            // The rows of the kept batches fill the sliding window without scoring; the rest is scored in 5 batches.
            Assert.Equal(passes + 5, detector.Scorer.Model.ForwardPasses);
            Assert.Equal(expected, actual);
        }
    }

    internal static class DetectorViewExtensions
    {
        /// <summary>The column of <paramref name="data"/> transformed by <paramref name="model"/>, read once.</summary>
        public static IEnumerable<T> GetColumn<T>(this IDataView data, string column, ITransformer model)
        {
            IDataView scored = model.Transform(data);
            return scored.GetColumn<VBuffer<double>>(scored.Schema[column]).Select(v => (T)(object)v.DenseValues().ToArray());
        }
    }
}
