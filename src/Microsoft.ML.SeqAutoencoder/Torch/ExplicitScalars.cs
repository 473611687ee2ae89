using TorchSharp;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// The rule for every <see cref="Scalar"/> the library hands to TorchSharp: never an implicit conversion. TorchSharp
    /// 0.107 frees an implicitly converted Scalar on the finalizer thread, and the object is unreachable as soon as its
    /// handle is read, so a garbage collection during the native call can free it while libtorch reads it (seen as
    /// "Expected false to be true" from <c>Scalar.toFloat</c> in the middle of a benchmark; a test reproduces it). Values
    /// that change are created with <c>using Scalar s = value;</c> around the calls that use them; the constants here live
    /// for the process. Overloads that add a hidden implicit Scalar (<c>add(Tensor)</c>, <c>add_(Tensor)</c> and
    /// <c>add_(Scalar)</c> pass <c>alpha: 1</c>) are called with <see cref="One"/> instead.
    /// </summary>
    internal static class ExplicitScalars
    {
        /// <summary>1, for the alpha of additions.</summary>
        public static readonly Scalar One = 1;
    }
}
