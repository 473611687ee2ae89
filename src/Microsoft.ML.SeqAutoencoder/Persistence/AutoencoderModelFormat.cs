using System.IO;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.Persistence
{
    /// <summary>
    /// The binary form of a fitted network: the architecture needed to rebuild it, then TorchSharp's
    /// state dict (weights and standardization buffers) behind a length prefix, so truncation and
    /// foreign data are detected before any weight is read.
    /// </summary>
    internal static class AutoencoderModelFormat
    {
        // version 1 = initial
        private static readonly NetworkFormat _format = new NetworkFormat(0x45415153 /* "SQAE" little-endian */, version: 1, "sequence autoencoder");

        // *** Binary format ***
        // uint32: magic "SQAE"
        // int32: format version
        // int32: features per step F
        // int32: number of encoder layers n, then n × int32 hidden sizes
        // int32: encoding size
        // int32: mode (SequenceAutoencoderMode)
        // int32: prediction length
        // byte: reverse reconstruction; byte: conditional decoder
        // float: dropout
        // StateDictBlock: int64 length W, 32 bytes SHA-256, W bytes state dict (TorchSharp Module.save: weights and
        // standardization buffers)

        public static void Write(Stream stream, SequenceAutoencoderNetwork network)
        {
            AutoencoderArchitecture a = network.Architecture;
            _format.Write(stream, network, writer =>
            {
                NetworkFormat.WriteEncoderShape(writer, a.FeaturesPerStep, a.HiddenSizes, a.EncodingSize);
                writer.Write((int)a.Mode);
                writer.Write(a.PredictionLength);
                writer.Write(a.ReverseReconstruction);
                writer.Write(a.ConditionalDecoder);
                writer.Write(a.Dropout);
            });
        }

        public static SequenceAutoencoderNetwork Read(Stream stream)
            => _format.Read(stream, reader =>
            {
                var (features, hidden, encoding) = _format.ReadEncoderShape(reader);
                var mode = (SequenceAutoencoderMode)reader.ReadInt32();
                int predictionLength = reader.ReadInt32();
                bool reverse = reader.ReadBoolean();
                bool conditional = reader.ReadBoolean();
                float dropout = reader.ReadSingle();
                return new AutoencoderArchitecture(features, hidden, encoding, mode, predictionLength, reverse, conditional, dropout);
            }, architecture => new SequenceAutoencoderNetwork(architecture, seed: 0));
    }
}
