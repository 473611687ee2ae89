using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Encoding
{
    /// <summary>
    /// A disposed stage fails with <see cref="ObjectDisposedException"/>, never with a native error; a training says in the
    /// log what it did to the process-wide allocator.
    /// </summary>
    public sealed class DisposedStageTests
    {
        private sealed class Row
        {
            [VectorType(10)]
            public float[] Features { get; set; }
        }

        private static SequenceEncodingTransformer Fit(MLContext ml, IDataView data, out SequenceEncodingTransformer encoder)
            => encoder = ml.Transforms.EncodeSequences(new SequenceEncodingOptions
            {
                InputColumnName = nameof(Row.Features), HiddenSizes = new[] { 4 }, EncodingSize = 3, Epochs = 1, Readout = SequenceEncodingReadout.Code, Seed = 1,
            }).Fit(data);

        [Fact]
        public void EveryTrainingLogsTheProcessWideAllocatorState()
        {
            var ml = new MLContext(seed: 1);
            var log = new System.Collections.Generic.List<string>();
            ml.Log += (_, e) =>
            {
                lock (log)
                    log.Add(e.Message);
            };
            var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i => new Row { Features = Enumerable.Range(0, 10).Select(t => MathF.Sin(t + i)).ToArray() }));
            using var encoder = Fit(ml, data, out _);
            lock (log)
                Assert.Contains(log, m => m.Contains("Native allocator:") && m.Contains("OpenMP: OMP_WAIT_POLICY"));
        }

        [Fact]
        public void SaveTransformAndDecodeSequencesOnADisposedEncoderThrowObjectDisposed()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i => new Row { Features = Enumerable.Range(0, 10).Select(t => MathF.Sin(t + i)).ToArray() }));
            var decoder = ml.Transforms.DecodeSequences(Fit(ml, data, out var encoder), "Decoded", "Encoding", 10);
            encoder.Dispose();
            Assert.Throws<ObjectDisposedException>(() => decoder.Fit(data));

            encoder = ml.Transforms.EncodeSequences(new SequenceEncodingOptions
            {
                InputColumnName = nameof(Row.Features), HiddenSizes = new[] { 4 }, EncodingSize = 3, Epochs = 1, Readout = SequenceEncodingReadout.Code, Seed = 1,
            }).Fit(data);
            encoder.Dispose();
            Assert.Throws<ObjectDisposedException>(() => ml.Model.Save(encoder, data.Schema, new MemoryStream()));
            Assert.Throws<ObjectDisposedException>(() => encoder.Transform(data));
            Assert.Throws<ObjectDisposedException>(() => ml.Transforms.DecodeSequences(encoder, "Decoded", "Encoding", 10));
        }

        [Fact]
        public void DecodeSequencesReleasesItsCopyOfTheNetworkWhenTheSchemaCheckFails()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 20).Select(i => new Row { Features = Enumerable.Range(0, 10).Select(t => MathF.Sin(t + i)).ToArray() }));
            using var encoder = Fit(ml, data, out _);
            long live = Microsoft.ML.SeqAutoencoder.Torch.NetworkLifetime.Live;
            // The raw data has no "Encoding" column: the decoder's copy of the network is made, then the check throws.
            Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.DecodeSequences(encoder, "Decoded", "Encoding", 10).Fit(data));
            Assert.Equal(live, Microsoft.ML.SeqAutoencoder.Torch.NetworkLifetime.Live);
        }
    }
}
