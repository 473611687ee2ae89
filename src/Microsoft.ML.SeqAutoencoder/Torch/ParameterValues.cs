using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// A tensor's values as a managed array (weights for saving and ONNX export). The temporaries (<c>detach</c>,
    /// <c>contiguous</c>) live in a dispose scope until the copy is done: an unreachable TorchSharp object can be
    /// finalized during the native call that reads it (see <see cref="ExplicitScalars"/>).
    /// </summary>
    internal static class ParameterValues
    {
        /// <summary>The values of <paramref name="tensor"/> in row-major order, detached from autograd.</summary>
        public static float[] Of(Tensor tensor)
        {
            using var scope = NewDisposeScope();
            return tensor.detach().contiguous().data<float>().ToArray();
        }
    }
}
