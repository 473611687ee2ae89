using System;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder.Persistence
{
    /// <summary>
    /// The <see cref="VersionInfo"/> every saved component of this library declares, and the checks every
    /// <c>SignatureLoadModel</c> factory starts with. The loader assembly name written into the file is this library's, so
    /// <c>mlContext.Model.Load</c> finds it by name.
    /// </summary>
    internal static class ModelVersions
    {
        /// <summary>The first version, 0x00010001, of a component.</summary>
        public const uint Initial = 0x00010001;

        /// <summary>
        /// The version info of a component saved under <paramref name="modelSignature"/> (8 characters) and loaded by the
        /// factory registered as <paramref name="loaderSignature"/>: it writes <paramref name="written"/> and reads back
        /// down to <paramref name="readBackTo"/>.
        /// </summary>
        public static VersionInfo For(string modelSignature, string loaderSignature, uint written = Initial, uint readBackTo = Initial)
            => new VersionInfo(modelSignature, written, written, readBackTo,
                loaderAssemblyName: typeof(ModelVersions).Assembly.FullName, loaderSignature: loaderSignature);

        /// <summary>Checks a load factory's arguments and that <paramref name="ctx"/> is at a model of <paramref name="version"/>.</summary>
        public static void CheckAtModel(IHostEnvironment env, ModelLoadContext ctx, VersionInfo version)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(version);
        }
    }
}
