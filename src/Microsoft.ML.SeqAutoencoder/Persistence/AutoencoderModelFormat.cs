using System;
using System.IO;
using Microsoft.ML;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.Persistence
{
    /// <summary>
    /// The binary form of a fitted autoencoder: the architecture needed to rebuild it, then TorchSharp's state dict
    /// (weights and standardization buffers) as a <see cref="StateDictBlock"/>, so truncation and foreign data are
    /// detected before any weight is read. Every component that holds an autoencoder saves it with
    /// <see cref="Save(ModelSaveContext, SequenceAutoencoderModel)"/> in the side stream <see cref="StreamName"/>.
    /// </summary>
    internal static class AutoencoderModelFormat
    {
        /// <summary>The name of the side stream in an ML.NET model file.</summary>
        public const string StreamName = "SequenceAutoencoder";

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

        public static void Write(Stream stream, SequenceAutoencoderModel model)
        {
            using var use = model.Use();
            AutoencoderArchitecture a = model.Architecture;
            _format.Write(stream, model.Network, writer =>
            {
                NetworkFormat.WriteEncoderShape(writer, a.Encoder);
                writer.Write((int)a.Mode);
                writer.Write(a.PredictionLength);
                writer.Write(a.ReverseReconstruction);
                writer.Write(a.ConditionalDecoder);
                writer.Write(a.Dropout);
            });
        }

        /// <summary>Reads a model written by <see cref="Write"/>; a damaged stream gives the decode exception of <see cref="ModelDecode"/>.</summary>
        public static SequenceAutoencoderModel Read(Stream stream)
            => new SequenceAutoencoderModel(_format.Read(stream, reader =>
            {
                var (features, hidden, encoding) = _format.ReadEncoderShape(reader);
                var mode = (SequenceAutoencoderMode)reader.ReadInt32();
                if (!Enum.IsDefined(mode))
                    throw _format.Corrupt($"mode {(int)mode} is unknown");
                int predictionLength = reader.ReadInt32();
                if (mode != SequenceAutoencoderMode.Reconstruction)
                    _format.CheckSize(predictionLength, "prediction length");
                else if (predictionLength != 0)
                    throw _format.Corrupt($"prediction length {predictionLength} does not fit {mode} mode");
                bool reverse = reader.ReadBoolean();
                bool conditional = reader.ReadBoolean();
                float dropout = _format.CheckDropout(reader.ReadSingle());
                return new AutoencoderArchitecture(new EncoderShape(features, hidden, encoding, dropout), mode, predictionLength, reverse, conditional);
            }, a => a.Encoder, architecture => new SequenceAutoencoderNetwork(architecture, seed: 0)));

        /// <summary>An independent copy (same weights), for components that must own their network.</summary>
        public static SequenceAutoencoderModel Clone(SequenceAutoencoderModel model)
        {
            var stream = new MemoryStream();
            Write(stream, model);
            stream.Position = 0;
            return Read(stream);
        }

        /// <summary>Saves <paramref name="model"/> in the side stream <see cref="StreamName"/> of the model being saved.</summary>
        public static void Save(ModelSaveContext ctx, SequenceAutoencoderModel model)
            => ModelStreams.Save(ctx, StreamName, stream => Write(stream, model));

        /// <summary>Loads the model in the side stream <see cref="StreamName"/> of the model being loaded.</summary>
        public static SequenceAutoencoderModel Load(ModelLoadContext ctx) => ModelStreams.Load(ctx, StreamName, Read);
    }
}
