using System;
using System.IO;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder.Persistence
{
    /// <summary>
    /// Named binary streams saved beside a model's main stream in an ML.NET model file, for payloads that do not belong
    /// in the main stream, such as TorchSharp weights.
    /// </summary>
    /// <remarks>
    /// Uses <see cref="ModelSaveContext"/> and <see cref="ModelLoadContext"/> members that ML.NET keeps internal;
    /// see <c>build/Publicize.targets</c>.
    /// </remarks>
    internal static class ModelStreams
    {
        /// <summary>Saves a binary stream named <paramref name="name"/> in the directory of the model being saved.</summary>
        /// <param name="ctx">The save context of the model; it must write to a repository (a model file).</param>
        /// <param name="name">The stream's name, unique within the model's directory.</param>
        /// <param name="write">Writes the stream's content.</param>
        public static void Save(ModelSaveContext ctx, string name, Action<Stream> write)
        {
            Contracts.CheckValue(ctx, nameof(ctx));
            ctx.SaveBinaryStream(name, w => write(w.BaseStream));
        }

        /// <summary>Reads the binary stream named <paramref name="name"/> from the directory of the model being loaded.</summary>
        /// <param name="ctx">The load context of the model.</param>
        /// <param name="name">The stream's name, as given to <see cref="Save"/>.</param>
        /// <param name="read">Reads the stream's content.</param>
        /// <exception cref="FormatException">The model has no stream named <paramref name="name"/> (ML.NET's decode exception).</exception>
        public static T Load<T>(ModelLoadContext ctx, string name, Func<Stream, T> read)
        {
            Contracts.CheckValue(ctx, nameof(ctx));
            T value = default;
            if (!ctx.TryLoadBinaryStream(name, r => value = read(r.BaseStream)))
            {
                throw ModelDecode.Damaged(
                    $"The model file has no '{name}' stream: it is corrupt, truncated or was not written by Microsoft.ML.SeqAutoencoder.");
            }
            return value;
        }
    }
}
