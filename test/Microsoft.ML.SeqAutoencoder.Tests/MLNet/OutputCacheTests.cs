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
    /// multi-pass trainer) read them instead of running the network again; past the budget every cursor streams.
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
            _encoder.OutputCacheBytes = Budget;
        }

        /// <summary>The default budget, set explicitly so that the process's settings do not change what is tested.</summary>
        private static long Budget => OutputCache.DefaultBudgetMegabytes * 1024L * 1024;

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

        [Fact]
        public void AMultiPassTrainerDoesNotMultiplyForwardPasses()
        {
            // SDCA reads its data once per iteration plus convergence checks: 20 iterations here, no cache checkpoint.
            IDataView encoded = _encoder.Transform(_data);
            var pipeline = _ml.Transforms.Conversion.MapValueToKey("Key", nameof(ShapeRow.Label))
                .Append(_ml.Transforms.NormalizeMeanVariance("Encoding"))
                .Append(_ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new Trainers.SdcaMaximumEntropyMulticlassTrainer.Options
                {
                    LabelColumnName = "Key", FeatureColumnName = "Encoding", MaximumNumberOfIterations = 20, NumberOfThreads = 1,
                }));
            long before = _encoder.Model.ForwardPasses;
            pipeline.Fit(encoded);
            // One pass over the rows, however many passes the two stages made.
            Assert.Equal(before + 5, _encoder.Model.ForwardPasses);
        }

        [Fact]
        public void PastTheBudgetEveryCursorStreamsAndMemoryStaysBounded()
        {
            _encoder.OutputCacheBytes = 1024; // about one batch of 4-float encodings
            try
            {
                IDataView view = _encoder.Transform(_data);
                long before = _encoder.Model.ForwardPasses;
                float[][] first = Read(view, "Encoding");
                Assert.True(((LookAheadDataView)view).Cache.GaveUp, "a cache over its budget must give up");
                Assert.Equal(first, Read(view, "Encoding"));
                Assert.Equal(before + 10, _encoder.Model.ForwardPasses);

                _encoder.OutputCacheBytes = 0;
                view = _encoder.Transform(_data);
                Read(view, "Encoding");
                Assert.Equal(0, ((LookAheadDataView)view).Cache.Count);
            }
            finally
            {
                _encoder.OutputCacheBytes = Budget;
            }
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
            detector.OutputCacheBytes = Budget;
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
