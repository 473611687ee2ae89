using System;
using System.IO;
using System.Security.Cryptography;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Persistence
{
    /// <summary>
    /// A module's state dict as written inside this library's model formats: its byte length, its SHA-256, then the
    /// bytes of TorchSharp's <c>Module.save</c>. Truncation and flipped bits are detected before any weight is used.
    /// </summary>
    internal static class StateDictBlock
    {
        // *** Binary format ***
        // int64: byte length W of the state dict
        // 32 bytes: SHA-256 of the next W bytes
        // W bytes: the state dict (TorchSharp Module.save)

        /// <summary>Writes the state dict of <paramref name="module"/>.</summary>
        public static void Write(BinaryWriter writer, nn.Module module)
        {
            // Module.save closes the stream it is given, so the weights go through their own buffer.
            var buffer = new MemoryStream();
            module.save(buffer);
            byte[] weights = buffer.ToArray();
            writer.Write((long)weights.Length);
            writer.Write(SHA256.HashData(weights));
            writer.Write(weights);
        }

        /// <summary>
        /// Reads and verifies a block written by <see cref="Write"/>; <paramref name="corrupt"/> makes the exception
        /// for a block that is out of range, truncated or does not match its checksum. The declared length is bounded by
        /// what the stream holds before the weights are allocated (a stream that cannot tell its length is read in chunks,
        /// so a false length costs no more memory than the bytes really there).
        /// </summary>
        public static byte[] Read(BinaryReader reader, Func<string, Exception> corrupt)
        {
            long length = reader.ReadInt64();
            if (length <= 0 || length > Array.MaxLength)
                throw corrupt($"a weight block of {length} bytes is out of range");
            byte[] hash = reader.ReadBytes(32);
            if (hash.Length != 32)
                throw corrupt("the weights' checksum is truncated");
            Stream stream = reader.BaseStream;
            if (stream.CanSeek && length > stream.Length - stream.Position)
                throw corrupt($"the weights are truncated ({stream.Length - stream.Position} of {length} bytes)");
            byte[] weights = ReadUpTo(reader, (int)length);
            if (weights.Length != length)
                throw corrupt($"the weights are truncated ({weights.Length} of {length} bytes)");
            if (!hash.AsSpan().SequenceEqual(SHA256.HashData(weights)))
                throw corrupt("the weights do not match their checksum (the file is damaged)");
            return weights;
        }

        // At most length bytes, in chunks, so the buffer grows only with bytes actually read.
        private static byte[] ReadUpTo(BinaryReader reader, int length)
        {
            const int Chunk = 1 << 20;
            if (length <= Chunk)
                return reader.ReadBytes(length);
            var buffer = new MemoryStream();
            while (buffer.Length < length)
            {
                byte[] chunk = reader.ReadBytes((int)Math.Min(Chunk, length - buffer.Length));
                buffer.Write(chunk);
                if (chunk.Length < Chunk)
                    break;
            }
            return buffer.ToArray();
        }

        /// <summary>Loads verified <paramref name="weights"/> into <paramref name="module"/>, strictly (every key must match).</summary>
        public static void Load(nn.Module module, byte[] weights)
        {
            using var stream = new MemoryStream(weights, writable: false);
            module.load(stream, strict: true);
        }
    }
}
