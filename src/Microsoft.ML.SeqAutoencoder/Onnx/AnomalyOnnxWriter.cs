using System.Collections.Generic;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.Onnx
{
    /// <summary>
    /// Writes the per-sequence anomaly score into an ML.NET ONNX export: the encoder (<see cref="EncoderOnnxWriter"/>), the
    /// unconditioned reconstruction decoder (the code repeated over the T steps, its LSTM layers and output layer, turned
    /// back into input order when it rebuilds reversed), the scaled errors |x − x̂| / scale, the raw score (their mean
    /// square, or the mean Mahalanobis distance of the steps) and Score = raw / (raw + threshold) as a [N, 1] column.
    /// </summary>
    internal static class AnomalyOnnxWriter
    {
        /// <summary>
        /// The reconstruction of the scaled, time-major steps <paramref name="x"/> [T, N, F] from <paramref name="code"/> [N, E],
        /// in input order and scaled units: the code repeated over the steps, the decoder's LSTM layers and output layer,
        /// reversed back when the decoder rebuilds the steps last first.
        /// </summary>
        public static string WriteReconstruction(OnnxContext ctx, int f, string x, string code, IReadOnlyList<LstmLayerWeights> decoderLayers,
            float[] outputWeight, float[] outputBias, bool reversed)
        {
            // The code at every step: [1, N, E] + zeros [T, N, 1] taken from the input → [T, N, E].
            string firstFeature = Node(ctx, "ReduceSum", new[] { x }, "StepSum", n => { n.AddAttribute("axes", new long[] { 2 }); n.AddAttribute("keepdims", 1); });
            string zeros = Node(ctx, "Sub", new[] { firstFeature, firstFeature }, "StepZeros");
            string codeRow = Node(ctx, "Unsqueeze", new[] { code }, "CodeRow", n => n.AddAttribute("axes", new long[] { 0 }));
            string repeated = Node(ctx, "Add", new[] { codeRow, zeros }, "RepeatedCode");
            var decoded = EncoderOnnxWriter.WriteLayers(ctx, decoderLayers, repeated, "Decoder");
            int h = decoderLayers[^1].HiddenSize;
            string projected = Node(ctx, "MatMul", new[] { decoded.Steps, ctx.AddInitializer(Transpose(outputWeight, f, h), new long[] { h, f }, "DecoderOutW") }, "DecoderProjected");
            string rebuilt = Node(ctx, "Add", new[] { projected, ctx.AddInitializer(outputBias, new long[] { f }, "DecoderOutB") }, "Rebuilt"); // [T, N, F]
            if (reversed)
            {
                // Steps last first → input order: every row's T steps reversed (all rows of a batch share T).
                string shape = Node(ctx, "Shape", new[] { x }, "ErrShape");
                string t = Node(ctx, "Gather", new[] { shape, ctx.AddInitializer(new long[] { 0 }, new long[] { 1 }, "TAxis") }, "TVector", n => n.AddAttribute("axis", 0));
                string n = Node(ctx, "Gather", new[] { shape, ctx.AddInitializer(new long[] { 1 }, new long[] { 1 }, "NAxis") }, "NVector", a => a.AddAttribute("axis", 0));
                string lengths = Node(ctx, "Expand", new[] { t, n }, "Lengths"); // [N] of T
                rebuilt = Node(ctx, "ReverseSequence", new[] { rebuilt, lengths }, "RebuiltInOrder", a =>
                {
                    a.AddAttribute("time_axis", 0);
                    a.AddAttribute("batch_axis", 1);
                });
            }
            return rebuilt;
        }

        /// <summary>The scaled errors |x − x̂| [T, N, F] of a reconstruction in input order.</summary>
        public static string WriteErrors(OnnxContext ctx, string x, string rebuilt)
            => Node(ctx, "Abs", new[] { Node(ctx, "Sub", new[] { x, rebuilt }, "Difference") }, "Errors");

        /// <summary>The mean square of <paramref name="errors"/> [T, N, F] per row, as a [N, 1] column into <paramref name="output"/>.</summary>
        public static void WriteMeanSquare(OnnxContext ctx, string errors, string output)
        {
            string squared = Node(ctx, "Mul", new[] { errors, errors }, "SquaredErrors");
            string mean = Node(ctx, "ReduceMean", new[] { squared }, "MeanSquare", n => { n.AddAttribute("axes", new long[] { 0, 2 }); n.AddAttribute("keepdims", 0); });
            var column = ctx.CreateNode("Unsqueeze", new[] { mean }, new[] { output }, ctx.GetNodeName("Unsqueeze"), "");
            column.AddAttribute("axes", new long[] { 1 });
        }

        /// <param name="ctx">The export.</param>
        /// <param name="encoder">The encoder's weights.</param>
        /// <param name="decoderLayers">The reconstruction decoder's LSTM layers.</param>
        /// <param name="outputWeight">The decoder's output layer, F × H.</param>
        /// <param name="outputBias">Its bias, F.</param>
        /// <param name="reversed">Whether the decoder rebuilds the steps last first.</param>
        /// <param name="mean">Mahalanobis: the error mean (F); null for the mean squared error.</param>
        /// <param name="precision">Mahalanobis: the precision matrix (F × F).</param>
        /// <param name="threshold">The learned raw threshold.</param>
        /// <param name="input">The sequence column's variable, [N, T·F].</param>
        /// <param name="score">The Score variable to write, [N, 1].</param>
        public static void WriteScore(OnnxContext ctx, EncoderWeights encoder, IReadOnlyList<LstmLayerWeights> decoderLayers, float[] outputWeight,
            float[] outputBias, bool reversed, float[] mean, float[] precision, double threshold, string input, string score)
        {
            int f = encoder.FeaturesPerStep;
            string x = EncoderOnnxWriter.WriteScaledSteps(ctx, encoder, input); // [T, N, F]
            var hidden = EncoderOnnxWriter.WriteLayers(ctx, encoder.Layers, x, "Lstm");
            string code = ctx.AddIntermediateVariable(null, "Code", true);
            EncoderOnnxWriter.WriteCode(ctx, encoder, hidden, code); // [N, E]
            string rebuilt = WriteReconstruction(ctx, f, x, code, decoderLayers, outputWeight, outputBias, reversed);
            string errors = WriteErrors(ctx, x, rebuilt); // [T, N, F]
            string raw;
            if (mean is null)
            {
                string squared = Node(ctx, "Mul", new[] { errors, errors }, "SquaredErrors");
                raw = Node(ctx, "ReduceMean", new[] { squared }, "Raw", n => { n.AddAttribute("axes", new long[] { 0, 2 }); n.AddAttribute("keepdims", 0); });
            }
            else
            {
                string d = Node(ctx, "Sub", new[] { errors, ctx.AddInitializer(mean, new long[] { f }, "ErrorMean") }, "Centered");
                string pd = Node(ctx, "MatMul", new[] { d, ctx.AddInitializer(precision, new long[] { f, f }, "Precision") }, "PrecisionTimes");
                string steps = Node(ctx, "ReduceSum", new[] { Node(ctx, "Mul", new[] { pd, d }, "Quadratic") }, "StepDistances",
                    n => { n.AddAttribute("axes", new long[] { 2 }); n.AddAttribute("keepdims", 0); }); // [T, N]
                raw = Node(ctx, "ReduceMean", new[] { steps }, "Raw", n => { n.AddAttribute("axes", new long[] { 0 }); n.AddAttribute("keepdims", 0); });
            }
            string normalized = Node(ctx, "Div", new[] { raw, Node(ctx, "Add", new[] { raw, ctx.AddInitializer((float)threshold, "Threshold") }, "RawPlusThreshold") }, "Normalized");
            var column = ctx.CreateNode("Unsqueeze", new[] { normalized }, new[] { score }, ctx.GetNodeName("Unsqueeze"), "");
            column.AddAttribute("axes", new long[] { 1 });
        }

        private static string Node(OnnxContext ctx, string op, string[] inputs, string name, System.Action<OnnxNode> attributes = null)
            => EncoderOnnxWriter.Node(ctx, op, inputs, name, attributes);

        private static float[] Transpose(float[] matrix, int rows, int columns)
        {
            var t = new float[matrix.Length];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++)
                    t[c * rows + r] = matrix[r * columns + c];
            return t;
        }
    }
}
