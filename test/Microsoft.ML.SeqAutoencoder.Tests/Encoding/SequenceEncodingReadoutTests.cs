using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Microsoft.ML.SeqAutoencoder.Torch;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Tests.Encoding
{
    /// <summary>What the encoding column holds: the default segment means of the encoder's states, or the code.</summary>
    public sealed class SequenceEncodingReadoutTests : IDisposable
    {
        private const int Hidden = 12;
        private readonly MLContext _ml = new MLContext(seed: 1);
        private readonly List<RaggedRow> _rows = RaggedRow.Generate(90, seed: 8);
        private readonly IDataView _data;
        private readonly SequenceEncodingTransformer _model;

        public SequenceEncodingReadoutTests()
        {
            _data = _ml.Data.LoadFromEnumerable(_rows);
            _model = _ml.Transforms.EncodeSequences(Options()).Fit(_data);
        }

        public void Dispose() => _model.Dispose();

        private static SequenceEncodingOptions Options() => new SequenceEncodingOptions
        {
            InputColumnName = nameof(RaggedRow.Sequence), FeaturesPerStep = 2, HiddenSizes = new[] { Hidden }, EncodingSize = 6,
            Epochs = 2, Seed = 1, ScoringBatchSize = 32, CodeColumnName = "Code",
        };

        private static float[][] Column(IDataView view, string name)
            => view.GetColumn<VBuffer<float>>(view.Schema[name]).Select(v => v.DenseValues().ToArray()).ToArray();

        [Fact]
        public void SegmentMeansAverageEachSegmentOfTheRowsOwnLength()
        {
            // Two rows of 5 and 3 real steps (padded to 5), D = 1, values t + 1; 4 segments.
            using var scope = NewDisposeScope();
            using var batch = new SequenceBatch(zeros(2, 5, 1), new long[] { 5, 3 }, null);
            var steps = tensor(new float[] { 1, 2, 3, 4, 5, 1, 2, 3, 99, 99 }, new long[] { 2, 5, 1 });
            float[] means = batch.SegmentMeans(steps, 4).data<float>().ToArray();
            // T = 5: segments [0,1) [1,2) [2,3) [3,5); T = 3 (shorter than S): [0,1) [0,1) [1,2) [2,3); padding never counts.
            Assert.Equal(new float[] { 1, 2, 3, 4.5f, 1, 1, 2, 3 }, means);
        }

        [Fact]
        public void TheDefaultEncodingIsTheSegmentMeansAndDoesNotDependOnTheBatch()
        {
            Assert.Equal(SequenceEncodingReadout.SegmentMeans, new SequenceEncodingOptions().Readout);
            Assert.Equal(SequenceEncodingReadout.SegmentMeans, _model.Readout);
            Assert.Equal(8, _model.ReadoutSegments);
            var schema = _model.GetOutputSchema(_data.Schema);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 8 * Hidden), schema["Encoding"].Type);
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 6), schema["Code"].Type);

            // Rows of different lengths: each row's segment means in a padded batch equal those of the row alone.
            float[][] batched = Column(_model.Transform(_data), "Encoding");
            var engine = _ml.Model.CreatePredictionEngine<RaggedRow, EncodingRow>(_model);
            for (int i = 0; i < _rows.Count; i += 7)
            {
                float[] alone = engine.Predict(_rows[i]).Encoding;
                Assert.Equal(batched[i].Length, alone.Length);
                for (int k = 0; k < alone.Length; k++)
                    Assert.True(Math.Abs(alone[k] - batched[i][k]) <= 1e-5f, $"row {i}, value {k}: {alone[k]} alone vs {batched[i][k]} in a batch");
            }
        }

        [Fact]
        public void BothReadoutsRoundTripThroughAModelFile()
        {
            var codeOptions = Options();
            codeOptions.Readout = SequenceEncodingReadout.Code;
            codeOptions.CodeColumnName = null;
            using var code = _ml.Transforms.EncodeSequences(codeOptions).Fit(_data);
            foreach (SequenceEncodingTransformer model in new[] { _model, code })
            {
                var stream = new MemoryStream();
                _ml.Model.Save(model, _data.Schema, stream);
                stream.Position = 0;
                var loaded = _ml.Model.Load(stream, out _);
                Assert.Equal(Column(model.Transform(_data), "Encoding"), Column(loaded.Transform(_data), "Encoding"));
                (loaded as IDisposable)?.Dispose();
            }
            // The code readout's encoding is the default model's code column: same seed, same network.
            Assert.Equal(Column(code.Transform(_data), "Encoding"), Column(_model.Transform(_data), "Code"));
        }

        [Fact]
        public void DecodeSequencesReadsTheCodeColumnAndRefusesTheSegmentMeans()
        {
            var encoded = _model.Transform(_data);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.DecodeSequences(_model, "Decoded", "Encoding", 10));
            Assert.Contains("Column 'Encoding' holds the encoder's SegmentMeans (96 values)", e.Message);
            Assert.Contains("CodeColumnName", e.Message);

            using var decoder = _ml.Transforms.DecodeSequences(_model, "Decoded", "Code", 10).Fit(encoded);
            float[][] decoded = Column(decoder.Transform(encoded), "Decoded");
            Assert.All(decoded, d => Assert.Equal(20, d.Length));
        }

        [Fact]
        public void ASegmentMeansEncoderIsAPretrainedEncoder()
        {
            var labeled = _ml.Data.LoadFromEnumerable(_rows.Select((r, i) => new LabeledRow { Sequence = r.Sequence, Label = (uint)(i % 2) + 1 }).ToList());
            var trainer = _ml.MulticlassClassification.Trainers.LstmSequenceClassifier(new SequenceClassifierOptions
            {
                FeatureColumnName = nameof(LabeledRow.Sequence), FeaturesPerStep = 2, HiddenSizes = new[] { Hidden }, EncodingSize = 6,
                Epochs = 1, Seed = 1, PretrainedEncoder = _model,
            });
            using var classifier = trainer.Fit(labeled);
            Assert.Equal(2, classifier.Transform(labeled).GetColumn<float[]>("Score").First().Length);
        }

        private sealed class EncodingRow
        {
            public float[] Encoding { get; set; }
        }

        private sealed class LabeledRow
        {
            [VectorType]
            public float[] Sequence { get; set; }

            [KeyType(2)]
            public uint Label { get; set; }
        }
    }
}
