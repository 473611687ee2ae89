using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SeqAutoencoder.Tests.Encoding
{
    /// <summary>The fitted encoding stage: schema, quality, laziness, row-by-row use, persistence.</summary>
    public sealed class SequenceEncodingTransformerTests : IClassFixture<EncodingModelFixture>
    {
        private readonly EncodingModelFixture _fixture;
        private readonly ITestOutputHelper _output;

        public SequenceEncodingTransformerTests(EncodingModelFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        private MLContext ML => _fixture.MLContext;

        private IDataView TestView => ML.Data.LoadFromEnumerable(_fixture.Test);

        [Fact]
        public void EstimatorAndTransformerAgreeOnTheOutputSchema()
        {
            var estimator = ML.Transforms.EncodeSequences(_fixture.Options);
            SchemaShape shape = estimator.GetOutputSchema(SchemaShape.Create(TestView.Schema));
            DataViewSchema schema = _fixture.Model.GetOutputSchema(TestView.Schema);

            foreach (var column in shape)
            {
                var actual = schema[column.Name];
                Assert.Equal(column.ItemType, actual.Type.GetItemType());
                Assert.Equal(column.Kind == SchemaShape.Column.VectorKind.Scalar, actual.Type is not VectorDataViewType);
            }
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 16), schema["Encoding"].Type);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, ShapeRow.Steps), schema["Reconstruction"].Type);
            Assert.Equal(NumberDataViewType.Single, schema["Error"].Type);
            Assert.Equal(16, _fixture.Model.EncodingSize);
            Assert.Equal(SequenceAutoencoderMode.Reconstruction, _fixture.Model.Mode);
        }

        [Fact]
        public void EpochsAreLoggedThroughMLContextLog()
        {
            lock (_fixture.Log)
            {
                Assert.Contains(_fixture.Log, m => m.Contains("Epoch 1/25: loss"));
                Assert.Contains(_fixture.Log, m => m.Contains("Training a Reconstruction LSTM autoencoder"));
            }
        }

        [Trait("Category", QualitySeed.Category)]
        [Fact]
        public void ReconstructionsAreCloseAndErrorsAreSmall()
        {
            IDataView scored = _fixture.Model.Transform(TestView);
            var rebuilt = scored.GetColumn<VBuffer<float>>("Reconstruction").Select(v => v.DenseValues().ToArray()).ToArray();
            var errors = scored.GetColumn<float>("Error").ToArray();
            double mse = SyntheticSequences.MeanSquaredError(_fixture.Test.Select(r => r.Sequence).ToArray(), rebuilt);
            double variance = SyntheticSequences.Variance(_fixture.Test.Select(r => r.Sequence));
            _output.WriteLine($"held-out reconstruction MSE {mse:F4}, variance {variance:F4}, mean error column {errors.Average():F4}");
            Assert.True(mse < 0.3 * variance, $"MSE {mse} vs variance {variance}");
            Assert.All(errors, e => Assert.True(float.IsFinite(e) && e >= 0));
        }

        [Trait("Category", QualitySeed.Category)]
        [Fact]
        public void EncodingsSeparateTwoClassesForAnMLNetTrainer()
        {
            double Accuracy(string features, ITransformer encoder)
            {
                var pipeline = ML.Transforms.Conversion.MapValueToKey("LabelKey", nameof(ShapeRow.Label))
                    .Append(ML.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", features));
                var train = encoder.Transform(ML.Data.LoadFromEnumerable(_fixture.Train));
                var classifier = pipeline.Fit(train);
                return ML.MulticlassClassification.Evaluate(classifier.Transform(encoder.Transform(TestView)), "LabelKey").MacroAccuracy;
            }

            double encoded = Accuracy("Encoding", _fixture.Model);
            double raw = Accuracy(nameof(ShapeRow.Sequence), _fixture.Model);
            _output.WriteLine($"accuracy: encodings {encoded:F3}, raw values {raw:F3} (chance 0.5)");
            Assert.True(encoded > 0.9, $"accuracy on encodings {encoded} is not far above chance (0.5)");
            Assert.True(encoded > raw + 0.2, $"encodings ({encoded}) do not beat raw values ({raw}) clearly");
        }

        [Fact]
        public void TransformIsLazyBatchedAndSkipsTheNetworkForOtherColumns()
        {
            long before = _fixture.Model.Model.ForwardPasses;
            IDataView scored = _fixture.Model.Transform(TestView);
            Assert.Equal(before, _fixture.Model.Model.ForwardPasses);

            float[] labels = scored.GetColumn<float>(nameof(ShapeRow.Label)).ToArray();
            Assert.Equal(_fixture.Test.Count, labels.Length);
            Assert.Equal(before, _fixture.Model.Model.ForwardPasses);

            // 200 rows in batches of 64: 4 forward passes for two output columns read together.
            using (var cursor = scored.GetRowCursor(new[] { scored.Schema["Encoding"], scored.Schema["Error"], scored.Schema["Label"] }))
            {
                var encoding = cursor.GetGetter<VBuffer<float>>(scored.Schema["Encoding"]);
                var error = cursor.GetGetter<float>(scored.Schema["Error"]);
                var label = cursor.GetGetter<float>(scored.Schema["Label"]);
                VBuffer<float> e = default;
                float err = 0, l = 0;
                int n = 0;
                while (cursor.MoveNext())
                {
                    encoding(ref e);
                    error(ref err);
                    label(ref l);
                    Assert.Equal(_fixture.Test[n].Label, l);
                    n++;
                }
                Assert.Equal(200, n);
            }
            Assert.Equal(before + 4, _fixture.Model.Model.ForwardPasses);
        }

        [Fact]
        public void PredictionEngineMatchesTransformAndIsThreadSafe()
        {
            float[][] batch = Encodings(_fixture.Model.Transform(TestView));
            var single = ML.Model.CreatePredictionEngine<ShapeRow, EncodedRow>(_fixture.Model);
            for (int i = 0; i < 20; i++)
                AssertClose(batch[i], single.Predict(_fixture.Test[i]).Encoding, 1e-5f);

            // PredictionEnginePool style: one engine per thread over one transformer.
            var results = new float[_fixture.Test.Count][];
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
            {
                var engine = ML.Model.CreatePredictionEngine<ShapeRow, EncodedRow>(_fixture.Model);
                for (int i = worker; i < _fixture.Test.Count; i += 4)
                    results[i] = engine.Predict(_fixture.Test[i]).Encoding;
            });
            for (int i = 0; i < results.Length; i++)
                Assert.Equal(single.Predict(_fixture.Test[i]).Encoding, results[i]);
        }

        [Fact]
        public void DecodeSequencesIsOneToMany()
        {
            IDataView encoded = _fixture.Model.Transform(TestView);
            using var sameLength = ML.Transforms.DecodeSequences(_fixture.Model, "Decoded", "Encoding", ShapeRow.Steps).Fit(encoded);
            using var longer = ML.Transforms.DecodeSequences(_fixture.Model, "Decoded", "Encoding", 3 * ShapeRow.Steps).Fit(encoded);

            // Decoding T steps from the encoding is exactly what the reconstruction column holds.
            var decoded = sameLength.Transform(encoded).GetColumn<VBuffer<float>>("Decoded").Select(v => v.DenseValues().ToArray()).ToArray();
            var rebuilt = encoded.GetColumn<VBuffer<float>>("Reconstruction").Select(v => v.DenseValues().ToArray()).ToArray();
            for (int i = 0; i < decoded.Length; i++)
                AssertClose(rebuilt[i], decoded[i], 1e-5f);

            var schema = longer.GetOutputSchema(encoded.Schema);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3 * ShapeRow.Steps), schema["Decoded"].Type);
            var many = longer.Transform(encoded).GetColumn<VBuffer<float>>("Decoded").First();
            Assert.Equal(3 * ShapeRow.Steps, many.Length);
            Assert.All(many.DenseValues(), v => Assert.True(float.IsFinite(v)));

            var bad = Assert.Throws<ArgumentOutOfRangeException>(() => ML.Transforms.DecodeSequences(_fixture.Model, "Decoded", "Sequence", 5).Fit(TestView));
            Assert.Contains("Sequence", bad.Message);
        }

        [Fact]
        public void SavedModelLoadsInAnotherProcessWithBitIdenticalOutputs()
        {
            string dir = Directory.CreateTempSubdirectory("seqae-").FullName;
            try
            {
                string modelPath = Path.Combine(dir, "model.zip");
                ML.Model.Save(_fixture.Model, TestView.Schema, modelPath);
                var rows = _fixture.Test.Take(50).ToList();
                string rowsPath = Path.Combine(dir, "rows.bin");
                using (var w = new BinaryWriter(File.Create(rowsPath)))
                {
                    w.Write(rows.Count);
                    w.Write(ShapeRow.Steps);
                    foreach (var r in rows)
                        foreach (float v in r.Sequence)
                            w.Write(v);
                }

                string outPath = Path.Combine(dir, "out.bin");
                TestHelperProcess.Run("score", modelPath, rowsPath, outPath, "Sequence", "Encoding", "Reconstruction", "Error");

                IDataView local = _fixture.Model.Transform(ML.Data.LoadFromEnumerable(rows));
                using var r2 = new BinaryReader(File.OpenRead(outPath));
                foreach (string column in new[] { "Encoding", "Reconstruction" })
                {
                    int length = r2.ReadInt32();
                    var expected = local.GetColumn<VBuffer<float>>(column).Select(v => v.DenseValues().ToArray()).ToArray();
                    Assert.Equal(expected[0].Length, length);
                    foreach (float[] e in expected)
                        foreach (float v in e)
                            Assert.Equal(v, r2.ReadSingle());
                }
                Assert.Equal(1, r2.ReadInt32());
                foreach (float e in local.GetColumn<float>("Error"))
                    Assert.Equal(e, r2.ReadSingle());
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        [Fact]
        public void InProcessLoadRoundTripsAndDamagedFilesFailClearly()
        {
            string dir = Directory.CreateTempSubdirectory("seqae-").FullName;
            try
            {
                string path = Path.Combine(dir, "model.zip");
                ML.Model.Save(_fixture.Model, TestView.Schema, path);
                ITransformer loaded = ML.Model.Load(path, out var schema);
                Assert.Equal(Encodings(_fixture.Model.Transform(TestView)), Encodings(loaded.Transform(TestView)));
                (loaded as IDisposable)?.Dispose();

                // Damaged network bytes inside a valid model file: our checksum says so.
                string damaged = Path.Combine(dir, "damaged.zip");
                File.Copy(path, damaged);
                using (var zip = ZipFile.Open(damaged, ZipArchiveMode.Update))
                {
                    var entry = zip.Entries.Single(e => e.FullName.EndsWith("SequenceAutoencoder", StringComparison.Ordinal));
                    byte[] network;
                    using (var s = entry.Open())
                    {
                        var copy = new MemoryStream();
                        s.CopyTo(copy);
                        network = copy.ToArray();
                    }
                    network[network.Length - 40] ^= 0xFF;
                    entry.Delete();
                    using var w = zip.CreateEntry(entry.FullName).Open();
                    w.Write(network);
                }
                var e = Assert.ThrowsAny<Exception>(() => ML.Model.Load(damaged, out _));
                Assert.Contains("checksum", Flatten(e));
                Assert.IsType<FormatException>(e.GetBaseException() is FormatException ? e.GetBaseException() : e.InnerException?.InnerException);

                // A truncated or foreign file is rejected by ML.NET's own zip reader (FormatException over InvalidDataException).
                byte[] bytes = File.ReadAllBytes(path);
                File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
                var truncated = Assert.ThrowsAny<Exception>(() => ML.Model.Load(path, out _));
                Assert.True(truncated is FormatException or InvalidDataException, truncated.ToString());
                File.WriteAllText(path, "not a model");
                var foreign = Assert.ThrowsAny<Exception>(() => ML.Model.Load(path, out _));
                Assert.True(foreign is FormatException or InvalidDataException, foreign.ToString());
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        private static string Flatten(Exception e) => e is null ? "" : e.Message + " | " + Flatten(e.InnerException);

        private static float[][] Encodings(IDataView view)
            => view.GetColumn<VBuffer<float>>("Encoding").Select(v => v.DenseValues().ToArray()).ToArray();

        private static void AssertClose(float[] expected, float[] actual, float tolerance)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int k = 0; k < expected.Length; k++)
                Assert.True(Math.Abs(expected[k] - actual[k]) <= tolerance, $"index {k}: {expected[k]} vs {actual[k]}");
        }

        private sealed class EncodedRow
        {
            [VectorType(16)]
            public float[] Encoding { get; set; }
        }
    }
}
