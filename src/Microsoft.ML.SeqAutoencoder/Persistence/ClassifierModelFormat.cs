using System;
using System.IO;
using System.Text;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.Persistence
{
    /// <summary>
    /// The binary form of a fitted sequence classifier: the architecture needed to rebuild it, then its state dict
    /// (weights and standardization buffers) as a <see cref="StateDictBlock"/>.
    /// </summary>
    internal static class ClassifierModelFormat
    {
        private const uint Magic = 0x4C435153; // "SQCL" little-endian
        // version 1 = initial
        private const int FormatVersion = 1;
        private const int MaxLayers = 64;
        private const int MaxSize = 1 << 20;

        public static void Write(Stream stream, SequenceClassifierNetwork network)
        {
            // *** Binary format ***
            // uint32: magic "SQCL"
            // int32: format version
            // int32: features per step F
            // int32: number of encoder layers n, then n × int32 hidden sizes
            // int32: encoding size
            // int32: number of classes K
            // float: dropout
            // StateDictBlock: int64 length W, 32 bytes SHA-256, W bytes state dict (weights and standardization buffers)
            ClassifierArchitecture a = network.Architecture;
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(a.FeaturesPerStep);
            writer.Write(a.HiddenSizes.Length);
            foreach (int size in a.HiddenSizes)
                writer.Write(size);
            writer.Write(a.EncodingSize);
            writer.Write(a.ClassCount);
            writer.Write(a.Dropout);
            StateDictBlock.Write(writer, network);
        }

        public static SequenceClassifierNetwork Read(Stream stream)
        {
            // *** Binary format ***
            // uint32: magic "SQCL"
            // int32: format version
            // int32: features per step F
            // int32: number of encoder layers n, then n × int32 hidden sizes
            // int32: encoding size
            // int32: number of classes K
            // float: dropout
            // StateDictBlock: int64 length W, 32 bytes SHA-256, W bytes state dict (weights and standardization buffers)
            ClassifierArchitecture architecture;
            byte[] weights;
            try
            {
                using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
                if (reader.ReadUInt32() != Magic)
                    throw Corrupt("it does not start with the sequence classifier signature");
                int version = reader.ReadInt32();
                if (version != FormatVersion)
                    throw Corrupt($"format version {version} is not supported (this library reads version {FormatVersion})");
                int features = CheckSize(reader.ReadInt32(), "features per step");
                int layers = reader.ReadInt32();
                if (layers <= 0 || layers > MaxLayers)
                    throw Corrupt($"{layers} encoder layers is out of range");
                var hidden = new int[layers];
                for (int i = 0; i < layers; i++)
                    hidden[i] = CheckSize(reader.ReadInt32(), "hidden size");
                int encoding = CheckSize(reader.ReadInt32(), "encoding size");
                int classes = CheckSize(reader.ReadInt32(), "class count");
                float dropout = reader.ReadSingle();
                architecture = new ClassifierArchitecture(features, hidden, encoding, classes, dropout);
                weights = StateDictBlock.Read(reader, Corrupt);
            }
            catch (EndOfStreamException e)
            {
                throw new InvalidDataException("The sequence classifier model is truncated.", e);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new InvalidDataException($"The sequence classifier model holds an invalid architecture: {e.Message}", e);
            }

            var network = new SequenceClassifierNetwork(architecture, seed: 0);
            try
            {
                StateDictBlock.Load(network, weights);
                return network;
            }
            catch (Exception e) when (e is not InvalidDataException)
            {
                network.Dispose();
                throw new InvalidDataException($"The sequence classifier weights do not match its architecture or are damaged: {e.Message}", e);
            }
        }

        private static int CheckSize(int value, string what)
            => value > 0 && value <= MaxSize ? value : throw Corrupt($"{what} {value} is out of range");

        private static InvalidDataException Corrupt(string why)
            => new InvalidDataException($"Not a valid sequence classifier model: {why}.");
    }
}
