using System;
using System.IO;
using Microsoft.ML;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.Persistence
{
    /// <summary>
    /// The binary form of a fitted sequence classifier: the architecture needed to rebuild it, then its state dict
    /// (weights and standardization buffers) as a <see cref="StateDictBlock"/>, in the side stream <see cref="StreamName"/>.
    /// </summary>
    internal static class ClassifierModelFormat
    {
        /// <summary>The name of the side stream in an ML.NET model file.</summary>
        public const string StreamName = "SequenceClassifier";

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

        public static void Write(Stream stream, SequenceClassifierModel model)
        {
            using var use = model.Use();
            ClassifierArchitecture a = model.Architecture;
            _format.Write(stream, model.Network, writer =>
            {
                NetworkFormat.WriteEncoderShape(writer, a.Encoder);
                writer.Write(a.ClassCount);
                writer.Write(a.Encoder.Dropout);
            });
        }

        /// <summary>Reads a model written by <see cref="Write"/>; a damaged stream gives the decode exception of <see cref="ModelDecode"/>.</summary>
        public static SequenceClassifierModel Read(Stream stream)
            => new SequenceClassifierModel(_format.Read(stream, reader =>
            {
                var (features, hidden, encoding) = _format.ReadEncoderShape(reader);
                int classes = _format.CheckSize(reader.ReadInt32(), "class count");
                if (classes < 2)
                    throw _format.Corrupt($"a classifier needs at least two classes; found {classes}");
                float dropout = _format.CheckDropout(reader.ReadSingle());
                return new ClassifierArchitecture(new EncoderShape(features, hidden, encoding, dropout), classes);
            }, a => a.Encoder, architecture => new SequenceClassifierNetwork(architecture, seed: 0)));

        /// <summary>Saves <paramref name="model"/> in the side stream <see cref="StreamName"/> of the model being saved.</summary>
        public static void Save(ModelSaveContext ctx, SequenceClassifierModel model)
            => ModelStreams.Save(ctx, StreamName, stream => Write(stream, model));

        /// <summary>Loads the model in the side stream <see cref="StreamName"/> of the model being loaded.</summary>
        public static SequenceClassifierModel Load(ModelLoadContext ctx) => ModelStreams.Load(ctx, StreamName, Read);
    }
}
