using System;
using System.IO;
using System.Text;
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
        private const uint Magic = 0x45415153; // "SQAE" little-endian
        // version 1 = initial
        private const int FormatVersion = 1;
        private const int MaxLayers = 64;
        private const int MaxSize = 1 << 20;

        public static void Write(Stream stream, SequenceAutoencoderNetwork network)
        {
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
            // int64: byte length W of the state dict
            // 32 bytes: SHA-256 of the next W bytes
            // W bytes: the state dict (TorchSharp Module.save): weights and standardization buffers
            AutoencoderArchitecture a = network.Architecture;
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(a.FeaturesPerStep);
            writer.Write(a.HiddenSizes.Length);
            foreach (int size in a.HiddenSizes)
                writer.Write(size);
            writer.Write(a.EncodingSize);
            writer.Write((int)a.Mode);
            writer.Write(a.PredictionLength);
            writer.Write(a.ReverseReconstruction);
            writer.Write(a.ConditionalDecoder);
            writer.Write(a.Dropout);
            StateDictBlock.Write(writer, network);
        }

        public static SequenceAutoencoderNetwork Read(Stream stream)
        {
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
            // int64: byte length W of the state dict
            // 32 bytes: SHA-256 of the next W bytes
            // W bytes: the state dict (TorchSharp Module.save): weights and standardization buffers
            AutoencoderArchitecture architecture;
            byte[] weights;
            try
            {
                using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
                if (reader.ReadUInt32() != Magic)
                    throw Corrupt("it does not start with the sequence autoencoder signature");
                int version = reader.ReadInt32();
                if (version != FormatVersion)
                    throw Corrupt($"format version {version} is not supported (this library reads version {FormatVersion})");
                int features = reader.ReadInt32();
                int layers = reader.ReadInt32();
                if (layers <= 0 || layers > MaxLayers)
                    throw Corrupt($"{layers} encoder layers is out of range");
                var hidden = new int[layers];
                for (int i = 0; i < layers; i++)
                    hidden[i] = CheckSize(reader.ReadInt32(), "hidden size");
                int encoding = CheckSize(reader.ReadInt32(), "encoding size");
                var mode = (SequenceAutoencoderMode)reader.ReadInt32();
                int predictionLength = reader.ReadInt32();
                bool reverse = reader.ReadBoolean();
                bool conditional = reader.ReadBoolean();
                float dropout = reader.ReadSingle();
                architecture = new AutoencoderArchitecture(CheckSize(features, "features per step"), hidden, encoding,
                    mode, predictionLength, reverse, conditional, dropout);
                weights = StateDictBlock.Read(reader, Corrupt);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException("The sequence autoencoder model is truncated.", e);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new InvalidDataException($"The sequence autoencoder model holds an invalid architecture: {e.Message}", e);
            }

            var network = new SequenceAutoencoderNetwork(architecture, seed: 0);
            try
            {
                StateDictBlock.Load(network, weights);
                return network;
            }
            catch (Exception e) when (e is not InvalidDataException)
            {
                network.Dispose();
                throw new InvalidDataException($"The sequence autoencoder weights do not match its architecture or are damaged: {e.Message}", e);
            }
        }

        private static int CheckSize(int value, string what)
            => value > 0 && value <= MaxSize ? value : throw Corrupt($"{what} {value} is out of range");

        private static InvalidDataException Corrupt(string why)
            => new InvalidDataException($"Not a valid sequence autoencoder model: {why}.");
    }
}
