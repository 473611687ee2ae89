using System;
using System.IO;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Persistence;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Xunit;
using static Microsoft.ML.SeqAutoencoder.Tests.TestData.SyntheticSequences;

namespace Microsoft.ML.SeqAutoencoder.Tests.Torch
{
    /// <summary>Weights, architecture and standardization round-trip through a stream.</summary>
    public sealed class AutoencoderPersistenceTests
    {
        [Theory]
        [InlineData(SequenceAutoencoderMode.Reconstruction, false)]
        [InlineData(SequenceAutoencoderMode.Composite, true)]
        public void ModelRoundTripsThroughAStreamWithIdenticalOutputs(SequenceAutoencoderMode mode, bool conditional)
        {
            var (train, future) = SineMixtures(64, 12, mode == SequenceAutoencoderMode.Reconstruction ? 0 : 4, features: 2, seed: 21);
            using var model = TinyAutoencoders.Train(
                TinyAutoencoders.Architecture(mode, features: 2, hidden: new[] { 12, 8 }, encodingSize: 6,
                    predictionLength: future is null ? 0 : 4, reverse: true, conditional: conditional),
                TinyAutoencoders.Settings(epochs: 2), train, future);

            var stream = new MemoryStream();
            AutoencoderModelFormat.Write(stream, model);
            stream.Position = 0;
            using var loaded = AutoencoderModelFormat.Read(stream);

            Assert.True(TinyAutoencoders.SameWeights(model, loaded));
            Assert.Equal(model.Network.Encoder.Standardizer.Mean, loaded.Network.Encoder.Standardizer.Mean);
            Assert.Equal(model.Network.Encoder.Standardizer.Std, loaded.Network.Encoder.Standardizer.Std);
            var rows = TinyAutoencoders.WithTargets(train, future);
            var kinds = SequenceOutputKinds.Reconstruction | SequenceOutputKinds.Forecast | SequenceOutputKinds.Errors;
            var expected = model.Run(rows, 16, kinds);
            var actual = loaded.Run(rows, 16, kinds);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i].Code, actual[i].Code);
                Assert.Equal(expected[i].Reconstruction, actual[i].Reconstruction);
                Assert.Equal(expected[i].Forecast, actual[i].Forecast);
                Assert.Equal(expected[i].Errors, actual[i].Errors);
            }
        }

        // A one-epoch model with one layer of 8 and an encoding of 4, in the SQAE format.
        private static byte[] SavedTinyModel(int seed)
        {
            var (train, _) = SineMixtures(16, 8, seed: seed);
            using var model = TinyAutoencoders.Train(TinyAutoencoders.Architecture(hidden: new[] { 8 }, encodingSize: 4), TinyAutoencoders.Settings(epochs: 1), train);
            var stream = new MemoryStream();
            AutoencoderModelFormat.Write(stream, model);
            return stream.ToArray();
        }

        [Fact]
        public void DamagedStreamsGiveTheDecodeException()
        {
            byte[] bytes = SavedTinyModel(seed: 22);

            void AssertInvalid(byte[] data, string expected)
            {
                var e = Assert.Throws<FormatException>(() => AutoencoderModelFormat.Read(new MemoryStream(data)));
                Assert.Contains(expected, e.Message);
            }

            AssertInvalid(bytes[..10], "truncated");
            AssertInvalid(bytes[..^100], "truncated");
            AssertInvalid(Enumerable.Repeat((byte)0x42, 64).ToArray(), "signature");
            byte[] badVersion = (byte[])bytes.Clone();
            badVersion[4] = 99;
            AssertInvalid(badVersion, "version 99");
            byte[] badSize = (byte[])bytes.Clone();
            BitConverter.GetBytes(-5).CopyTo(badSize, 16); // first hidden size
            AssertInvalid(badSize, "hidden size -5");
            byte[] badWeights = (byte[])bytes.Clone();
            for (int i = bytes.Length - 200; i < bytes.Length - 150; i++)
                badWeights[i] ^= 0xFF;
            AssertInvalid(badWeights, "checksum");

            // A weight block that claims 1 GiB in a short stream is refused before anything is allocated.
            byte[] hugeBlock = (byte[])bytes.Clone();
            BitConverter.GetBytes(1L << 30).CopyTo(hugeBlock, 38); // after magic, version, F, n, 1 hidden size, E, mode, P, 2 flags, dropout
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            AssertInvalid(hugeBlock, "truncated");
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Assert.True(allocated < 16 << 20, $"refusing the block allocated {allocated >> 20} MiB");
        }

        [Fact]
        public void ArchitectureTooLargeForItsWeightsIsNotBuilt()
        {
            // A consistent stream (right signature, a valid checksum) whose architecture asks for 2^20 hidden units: the
            // encoder alone would need 16 TiB of weights; the block holds a few KiB. The network must not be built.
            byte[] bytes = SavedTinyModel(seed: 23);
            BitConverter.GetBytes(1 << 20).CopyTo(bytes, 16); // the hidden size
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var e = Assert.Throws<FormatException>(() => AutoencoderModelFormat.Read(new MemoryStream(bytes)));
            Assert.Contains("needs at least 17592253153296 bytes of weights", e.Message);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"refusing took {watch.Elapsed}");
        }
    }
}
