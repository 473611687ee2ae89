using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.Onnx
{
    /// <summary>
    /// The decoders and the anomaly score in an ML.NET ONNX export: a decoder's output over some steps (the code repeated
    /// over them through its LSTM layers and output layer, or for a conditioned decoder the steps unrolled, each fed the
    /// previous output), turned back into input order when it rebuilds reversed; the scaled errors |x − x̂| / scale; the
    /// raw score (their mean square, or the mean Mahalanobis distance of the steps) and Score = raw / (raw + threshold).
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
            return reversed ? Reverse(ctx, rebuilt) : rebuilt;
        }

        // Steps last first → input order: every row's T steps reversed (all rows of a batch share T).
        private static string Reverse(OnnxContext ctx, string rebuilt)
        {
            string shape = Node(ctx, "Shape", new[] { rebuilt }, "ErrShape");
            string t = Node(ctx, "Gather", new[] { shape, ctx.AddInitializer(new long[] { 0 }, new long[] { 1 }, "TAxis") }, "TVector", n => n.AddAttribute("axis", 0));
            string n = Node(ctx, "Gather", new[] { shape, ctx.AddInitializer(new long[] { 1 }, new long[] { 1 }, "NAxis") }, "NVector", a => a.AddAttribute("axis", 0));
            string lengths = Node(ctx, "Expand", new[] { t, n }, "Lengths"); // [N] of T
            return Node(ctx, "ReverseSequence", new[] { rebuilt, lengths }, "RebuiltInOrder", a =>
            {
                a.AddAttribute("time_axis", 0);
                a.AddAttribute("batch_axis", 1);
            });
        }

        /// <summary>
        /// The reconstruction by a conditioned decoder, which feeds back its own output: unrolled over the <paramref name="steps"/>
        /// steps (T must be known), each step one LSTM node per layer from the previous step's states, its input the code and
        /// the previous output (zeros before the first), in input order and scaled units [T, N, F].
        /// </summary>
        public static string WriteConditionedReconstruction(OnnxContext ctx, int f, string code, int steps, IReadOnlyList<LstmLayerWeights> decoderLayers,
            float[] outputWeight, float[] outputBias, bool reversed, string first = null)
        {
            int h = decoderLayers[^1].HiddenSize;
            // The decoder's first "previous output": given (a forecast starts from the last input step), or zeros [N, F].
            string previous = first;
            if (previous is null)
            {
                string codeSum = Node(ctx, "ReduceSum", new[] { code }, "CodeSum", n => { n.AddAttribute("axes", new long[] { 1 }); n.AddAttribute("keepdims", 1); });
                previous = Node(ctx, "Add", new[] { Node(ctx, "Sub", new[] { codeSum, codeSum }, "RowZeros"), ctx.AddInitializer(new float[f], new long[] { f }, "FeatureZeros") }, "Previous");
            }
            var weights = new (string W, string R, string B)[decoderLayers.Count];
            for (int l = 0; l < decoderLayers.Count; l++)
            {
                LstmLayerWeights layer = decoderLayers[l];
                int size = layer.HiddenSize;
                weights[l] = (ctx.AddInitializer(Reorder(layer.WeightIh, size, layer.InputSize), new long[] { 1, 4 * size, layer.InputSize }, $"CondW{l}"),
                    ctx.AddInitializer(Reorder(layer.WeightHh, size, size), new long[] { 1, 4 * size, size }, $"CondR{l}"),
                    ctx.AddInitializer(Reorder(layer.BiasIh, size, 1).Concat(Reorder(layer.BiasHh, size, 1)).ToArray(), new long[] { 1, 8 * size }, $"CondB{l}"));
            }
            string w = ctx.AddInitializer(Transpose(outputWeight, f, h), new long[] { h, f }, "CondOutW");
            string b = ctx.AddInitializer(outputBias, new long[] { f }, "CondOutB");
            var states = new (string H, string C)[decoderLayers.Count];
            var outputs = new string[steps];
            for (int t = 0; t < steps; t++)
            {
                string input = Node(ctx, "Unsqueeze", new[] { Node(ctx, "Concat", new[] { code, previous }, "CondInput", n => n.AddAttribute("axis", 1)) },
                    "CondStep", n => n.AddAttribute("axes", new long[] { 0 })); // [1, N, E + F]
                for (int l = 0; l < decoderLayers.Count; l++)
                {
                    string yh = ctx.AddIntermediateVariable(null, "CondH", true);
                    string yc = ctx.AddIntermediateVariable(null, "CondC", true);
                    string y = ctx.AddIntermediateVariable(null, "CondY", true);
                    var inputs = states[l].H is null
                        ? new[] { input, weights[l].W, weights[l].R, weights[l].B }
                        : new[] { input, weights[l].W, weights[l].R, weights[l].B, "", states[l].H, states[l].C };
                    var lstm = ctx.CreateNode("LSTM", inputs, new[] { y, yh, yc }, ctx.GetNodeName("LSTM"), "");
                    lstm.AddAttribute("hidden_size", decoderLayers[l].HiddenSize);
                    states[l] = (yh, yc);
                    input = yh; // [1, N, H]: the next layer's one step
                }
                string last = Node(ctx, "Squeeze", new[] { input }, "CondLast", n => n.AddAttribute("axes", new long[] { 0 })); // [N, H]
                previous = Node(ctx, "Add", new[] { Node(ctx, "MatMul", new[] { last, w }, "CondProjected"), b }, "CondOutput"); // [N, F]
                outputs[t] = Node(ctx, "Unsqueeze", new[] { previous }, "CondOutputStep", n => n.AddAttribute("axes", new long[] { 0 }));
            }
            string rebuilt = Node(ctx, "Concat", outputs, "CondRebuilt", n => n.AddAttribute("axis", 0)); // [T, N, F]
            return reversed ? Reverse(ctx, rebuilt) : rebuilt;
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

        /// <summary>
        /// The raw score of every row from its scaled errors [steps, N, F] (the mean square, or with <paramref name="mean"/> the
        /// mean Mahalanobis distance of its steps) and Score = raw / (raw + <paramref name="threshold"/>) as [N, 1] into
        /// <paramref name="score"/>.
        /// </summary>
        public static void WriteScore(OnnxContext ctx, string errors, int f, float[] mean, float[] precision, double threshold, string score)
        {
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
                    n => { n.AddAttribute("axes", new long[] { 2 }); n.AddAttribute("keepdims", 0); }); // [steps, N]
                raw = Node(ctx, "ReduceMean", new[] { steps }, "Raw", n => { n.AddAttribute("axes", new long[] { 0 }); n.AddAttribute("keepdims", 0); });
            }
            string normalized = Node(ctx, "Div", new[] { raw, Node(ctx, "Add", new[] { raw, ctx.AddInitializer((float)threshold, "Threshold") }, "RawPlusThreshold") }, "Normalized");
            var column = ctx.CreateNode("Unsqueeze", new[] { normalized }, new[] { score }, ctx.GetNodeName("Unsqueeze"), "");
            column.AddAttribute("axes", new long[] { 1 });
        }

        private static string Node(OnnxContext ctx, string op, string[] inputs, string name, System.Action<OnnxNode> attributes = null)
            => EncoderOnnxWriter.Node(ctx, op, inputs, name, attributes);

        private static float[] Reorder(float[] torch, int h, int columns) => EncoderOnnxWriter.Reorder(torch, h, columns);

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
