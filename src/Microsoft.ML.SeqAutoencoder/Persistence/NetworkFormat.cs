using System;
using System.IO;
using System.Text;
using Microsoft.ML.SeqAutoencoder.Torch;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Persistence
{
    /// <summary>
    /// What this library's network formats share: a signature and a format version, an architecture written by
    /// the format itself (usually starting with the encoder's shape), then the state dict as a
    /// <see cref="StateDictBlock"/>. Reading turns every kind of damage (foreign data, truncation, an impossible
    /// architecture, weights that do not fit it) into the decode exception of <see cref="ModelDecode"/> naming the model
    /// kind, and builds no network before its encoder's parameter count is checked against the weight block.
    /// </summary>
    internal sealed class NetworkFormat
    {
        private const int MaxLayers = 64;

        private readonly uint _magic;
        private readonly int _version;
        private readonly string _kind;

        /// <param name="magic">The first four bytes of the format.</param>
        /// <param name="version">The only format version this library writes and reads.</param>
        /// <param name="kind">The model kind in error messages, e.g. "sequence autoencoder".</param>
        public NetworkFormat(uint magic, int version, string kind)
        {
            _magic = magic;
            _version = version;
            _kind = kind;
        }

        /// <summary>Writes the signature, the version, the architecture (<paramref name="writeArchitecture"/>) and the state dict.</summary>
        public void Write(Stream stream, nn.Module network, Action<BinaryWriter> writeArchitecture)
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(_magic);
            writer.Write(_version);
            writeArchitecture(writer);
            StateDictBlock.Write(writer, network);
        }

        /// <summary>
        /// Reads what <see cref="Write"/> wrote: checks signature and version, reads the architecture with
        /// <paramref name="readArchitecture"/>, verifies the state dict, checks that it can hold the parameters of the
        /// architecture's encoder (<paramref name="encoderOf"/>), builds the network with <paramref name="create"/> and loads
        /// the weights into it (disposing it if they do not fit).
        /// </summary>
        public TNetwork Read<TArchitecture, TNetwork>(Stream stream, Func<BinaryReader, TArchitecture> readArchitecture,
            Func<TArchitecture, EncoderShape> encoderOf, Func<TArchitecture, TNetwork> create)
            where TNetwork : nn.Module
        {
            TArchitecture architecture;
            byte[] weights;
            try
            {
                using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
                if (reader.ReadUInt32() != _magic)
                    throw Corrupt($"it does not start with the {_kind} signature");
                int version = reader.ReadInt32();
                if (version != _version)
                    throw Corrupt($"format version {version} is not supported (this library reads version {_version})");
                architecture = readArchitecture(reader);
                weights = StateDictBlock.Read(reader, Corrupt);
            }
            catch (EndOfStreamException e)
            {
                throw ModelDecode.Damaged($"The {_kind} model is truncated.", e);
            }

            // Every float parameter takes 4 bytes of the state dict: a block too small for the encoder alone cannot hold
            // this architecture, which is then not built (a damaged size could ask for terabytes).
            long encoderBytes = 4 * encoderOf(architecture).ParameterCount;
            if (weights.Length < encoderBytes)
                throw Corrupt($"its architecture needs at least {encoderBytes} bytes of weights but the weight block holds {weights.Length}");
            TNetwork network = create(architecture);
            try
            {
                StateDictBlock.Load(network, weights);
                return network;
            }
            catch (Exception e)
            {
                network.Dispose();
                throw ModelDecode.Damaged($"The {_kind} weights do not match its architecture or are damaged: {e.Message}", e);
            }
        }

        /// <summary>Writes the encoder's shape: F, the number of layers and each hidden size, the encoding size.</summary>
        public static void WriteEncoderShape(BinaryWriter writer, EncoderShape shape)
        {
            writer.Write(shape.FeaturesPerStep);
            writer.Write(shape.HiddenSizes.Length);
            foreach (int size in shape.HiddenSizes)
                writer.Write(size);
            writer.Write(shape.EncodingSize);
        }

        /// <summary>Reads what <see cref="WriteEncoderShape"/> wrote, each value checked (the dropout is written by each format after its own fields).</summary>
        public (int FeaturesPerStep, int[] HiddenSizes, int EncodingSize) ReadEncoderShape(BinaryReader reader)
        {
            int features = CheckSize(reader.ReadInt32(), "features per step");
            int layers = reader.ReadInt32();
            if (layers <= 0 || layers > MaxLayers)
                throw Corrupt($"{layers} encoder layers is out of range");
            var hidden = new int[layers];
            for (int i = 0; i < layers; i++)
                hidden[i] = CheckSize(reader.ReadInt32(), "hidden size");
            int encoding = CheckSize(reader.ReadInt32(), "encoding size");
            return (features, hidden, encoding);
        }

        /// <summary><paramref name="value"/> when it is a dropout probability in [0, 1), else the "not a valid model" exception.</summary>
        public float CheckDropout(float value)
            => value >= 0 && value < 1 ? value : throw Corrupt($"dropout {value} is out of range");

        /// <summary><paramref name="value"/> when it is a plausible size, else the "not a valid model" exception.</summary>
        public int CheckSize(int value, string what)
            => value > 0 && value <= ModelDecode.MaxSize ? value : throw Corrupt($"{what} {value} is out of range");

        /// <summary>The exception for a model whose content makes no sense.</summary>
        public FormatException Corrupt(string why)
            => ModelDecode.Damaged($"Not a valid {_kind} model: {why}.");
    }
}
