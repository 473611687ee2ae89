using System.IO;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.Persistence
{
    /// <summary>
    /// The binary form of a fitted sequence classifier: the architecture needed to rebuild it, then its state dict
    /// (weights and standardization buffers) as a <see cref="StateDictBlock"/>.
    /// </summary>
    internal static class ClassifierModelFormat
    {
        // version 1 = initial
        private static readonly NetworkFormat _format = new NetworkFormat(0x4C435153 /* "SQCL" little-endian */, version: 1, "sequence classifier");

        // *** Binary format ***
        // uint32: magic "SQCL"
        // int32: format version
        // int32: features per step F
        // int32: number of encoder layers n, then n × int32 hidden sizes
        // int32: encoding size
        // int32: number of classes K
        // float: dropout
        // StateDictBlock: int64 length W, 32 bytes SHA-256, W bytes state dict (weights and standardization buffers)

        public static void Write(Stream stream, SequenceClassifierNetwork network)
        {
            ClassifierArchitecture a = network.Architecture;
            _format.Write(stream, network, writer =>
            {
                NetworkFormat.WriteEncoderShape(writer, a.FeaturesPerStep, a.HiddenSizes, a.EncodingSize);
                writer.Write(a.ClassCount);
                writer.Write(a.Dropout);
            });
        }

        public static SequenceClassifierNetwork Read(Stream stream)
            => _format.Read(stream, reader =>
            {
                var (features, hidden, encoding) = _format.ReadEncoderShape(reader);
                int classes = _format.CheckSize(reader.ReadInt32(), "class count");
                float dropout = reader.ReadSingle();
                return new ClassifierArchitecture(features, hidden, encoding, classes, dropout);
            }, architecture => new SequenceClassifierNetwork(architecture, seed: 0));
    }
}
