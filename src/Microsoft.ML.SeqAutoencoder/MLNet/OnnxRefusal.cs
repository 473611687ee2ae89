using System;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// The one error every stage of this library gives when ONNX export reaches it: export is not supported yet, and a
    /// stage the exporter skipped would leave a graph without the network (its outputs as inputs).
    /// </summary>
    internal static class OnnxRefusal
    {
        /// <param name="stage">The stage, as the user knows it.</param>
        /// <param name="columns">The columns that would have been exported, named.</param>
        public static NotSupportedException For(string stage, string columns)
            => new NotSupportedException($"{stage} cannot be exported to ONNX yet ({columns}): the LSTM network of this library has no " +
                "ONNX export. Score with the ML.NET model (mlContext.Model.Save/Load) instead.");
    }
}
