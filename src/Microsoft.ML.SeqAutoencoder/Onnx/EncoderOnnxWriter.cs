using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.Onnx
{
    /// <summary>
    /// Writes a fitted encoder into an ML.NET ONNX export (opset ≤ 12): the sequence column [N, T·F] is reshaped to
    /// [N, T, F], scaled per feature, made time-major and run through one LSTM-7 node per layer (gates reordered from
    /// PyTorch's i, f, g, o to ONNX's i, o, f, c; B = [b_ih; b_hh]). Every row of one ONNX batch has the same T, so the
    /// last step is each row's last step. Readouts: the code (the last layer's Y_h, then the projection as a Gemm) and
    /// the segment means (the last layer's outputs averaged over S segments of the T steps by a [S, T] weight matrix,
    /// constant for a known T, computed from T in the graph otherwise).
    /// </summary>
    internal static class EncoderOnnxWriter
    {
        // The default ONNX domain (ML.NET's CreateNode without a domain means ai.onnx.ml).
        private const string Domain = "";

        // ONNX gate block k is PyTorch's block Order[k].
        private static readonly int[] Order = { 0, 3, 1, 2 };

        /// <summary>The last layer's outputs of one export: [T, N, H] and Y_h [1, N, H].</summary>
        public sealed record Hidden(string Steps, string Last, int Size);

        /// <summary>Writes the scaling and the LSTM layers reading <paramref name="input"/> ([N, T·F]); returns the last layer's outputs.</summary>
        public static Hidden WriteLstm(OnnxContext ctx, EncoderWeights weights, string input)
            => WriteLayers(ctx, weights.Layers, WriteScaledSteps(ctx, weights, input), "Lstm");

        /// <summary>The sequence column [N, T·F] as scaled, time-major steps [T, N, F].</summary>
        public static string WriteScaledSteps(OnnxContext ctx, EncoderWeights weights, string input)
        {
            int f = weights.FeaturesPerStep;
            string steps = Node(ctx, "Reshape", new[] { input, ctx.AddInitializer(new long[] { 0, -1, f }, new long[] { 3 }, "SeqShape") }, "Steps");
            string centered = Node(ctx, "Sub", new[] { steps, ctx.AddInitializer(weights.Center, new long[] { f }, "Center") }, "Centered");
            string scaled = Node(ctx, "Div", new[] { centered, ctx.AddInitializer(weights.Scale, new long[] { f }, "Scale") }, "Scaled");
            return Node(ctx, "Transpose", new[] { scaled }, "TimeMajor", n => n.AddAttribute("perm", new long[] { 1, 0, 2 }));
        }

        /// <summary>Scaled, time-major steps [T, N, F] back in original units as rows [N, T·F], into <paramref name="output"/>.</summary>
        public static void WriteUnscaledSequence(OnnxContext ctx, EncoderWeights weights, string steps, string output)
        {
            int f = weights.FeaturesPerStep;
            string scaled = Node(ctx, "Mul", new[] { steps, ctx.AddInitializer(weights.Scale, new long[] { f }, "OutScale") }, "Unscaled");
            string shifted = Node(ctx, "Add", new[] { scaled, ctx.AddInitializer(weights.Center, new long[] { f }, "OutCenter") }, "Uncentered");
            string batchMajor = Node(ctx, "Transpose", new[] { shifted }, "RowsMajor", n => n.AddAttribute("perm", new long[] { 1, 0, 2 }));
            ctx.CreateNode("Reshape", new[] { batchMajor, ctx.AddInitializer(new long[] { 0, -1 }, new long[] { 2 }, "RowShape") }, new[] { output },
                ctx.GetNodeName("Reshape"), Domain);
        }

        /// <summary>LSTM layers over time-major <paramref name="x"/> [T, N, In]; returns the last layer's outputs.</summary>
        public static Hidden WriteLayers(OnnxContext ctx, IReadOnlyList<LstmLayerWeights> layers, string x, string prefix)
        {
            string yh = null;
            for (int l = 0; l < layers.Count; l++)
            {
                LstmLayerWeights layer = layers[l];
                int h = layer.HiddenSize;
                string w = ctx.AddInitializer(Reorder(layer.WeightIh, h, layer.InputSize), new long[] { 1, 4 * h, layer.InputSize }, $"{prefix}W{l}");
                string r = ctx.AddInitializer(Reorder(layer.WeightHh, h, h), new long[] { 1, 4 * h, h }, $"{prefix}R{l}");
                string b = ctx.AddInitializer(Reorder(layer.BiasIh, h, 1).Concat(Reorder(layer.BiasHh, h, 1)).ToArray(), new long[] { 1, 8 * h }, $"{prefix}B{l}");
                string y = ctx.AddIntermediateVariable(null, $"{prefix}Y{l}", true);
                yh = ctx.AddIntermediateVariable(null, $"{prefix}Yh{l}", true);
                var lstm = ctx.CreateNode("LSTM", new[] { x, w, r, b }, new[] { y, yh }, ctx.GetNodeName("LSTM"), Domain);
                lstm.AddAttribute("hidden_size", h);
                // Y [T, 1, N, H] → [T, N, H], the next layer's input.
                x = Node(ctx, "Squeeze", new[] { y }, $"{prefix}Steps{l}", n => n.AddAttribute("axes", new long[] { 1 }));
            }
            return new Hidden(x, yh, layers[^1].HiddenSize);
        }

        /// <summary>y = x·Wᵀ + b for x [N, columns], W [rows, columns] row-major, b [rows], into <paramref name="output"/>.</summary>
        public static void WriteLinear(OnnxContext ctx, string x, float[] weight, float[] bias, int rows, int columns, string name, string output)
        {
            string w = ctx.AddInitializer(weight, new long[] { rows, columns }, name + "W");
            string b = ctx.AddInitializer(bias, new long[] { rows }, name + "B");
            var gemm = ctx.CreateNode("Gemm", new[] { x, w, b }, new[] { output }, ctx.GetNodeName("Gemm"), Domain);
            gemm.AddAttribute("transB", 1);
        }

        /// <summary>The code [N, EncodingSize] into <paramref name="output"/>.</summary>
        public static void WriteCode(OnnxContext ctx, EncoderWeights weights, Hidden hidden, string output)
        {
            string last = weights.ProjectionWeight is null ? output : ctx.AddIntermediateVariable(null, "LastHidden", true);
            var squeeze = ctx.CreateNode("Squeeze", new[] { hidden.Last }, new[] { last }, ctx.GetNodeName("Squeeze"), Domain);
            squeeze.AddAttribute("axes", new long[] { 0 });
            if (weights.ProjectionWeight is null)
                return;
            WriteLinear(ctx, last, weights.ProjectionWeight, weights.ProjectionBias, weights.EncodingSize, hidden.Size, "Projection", output);
        }

        /// <summary>
        /// The segment means [N, S·H] into <paramref name="output"/>: segment k of T steps is [⌊kT/S⌋, max(⌊kT/S⌋ + 1, ⌊(k+1)T/S⌋)),
        /// as the library computes them. <paramref name="knownSteps"/> is T when every row has it, else 0.
        /// </summary>
        public static void WriteSegmentMeans(OnnxContext ctx, Hidden hidden, int segments, int knownSteps, string output)
        {
            string weights = knownSteps > 0
                ? ctx.AddInitializer(SegmentWeights(segments, knownSteps), new long[] { segments, knownSteps }, "SegmentWeights")
                : DynamicSegmentWeights(ctx, hidden.Steps, segments);
            string batchMajor = Node(ctx, "Transpose", new[] { hidden.Steps }, "BatchMajor", n => n.AddAttribute("perm", new long[] { 1, 0, 2 }));
            // [S, T] × [N, T, H] → [N, S, H] → [N, S·H], segment-major like the library's output.
            string means = Node(ctx, "MatMul", new[] { weights, batchMajor }, "SegmentMeans");
            ctx.CreateNode("Reshape", new[] { means, ctx.AddInitializer(new long[] { 0, -1 }, new long[] { 2 }, "MeansShape") }, new[] { output },
                ctx.GetNodeName("Reshape"), Domain);
        }

        /// <summary>The [S, T] averaging matrix of <see cref="WriteSegmentMeans"/> for a known T.</summary>
        public static float[] SegmentWeights(int segments, int steps)
        {
            var w = new float[segments * steps];
            for (int k = 0; k < segments; k++)
            {
                int from = k * steps / segments;
                int to = Math.Max(from + 1, (k + 1) * steps / segments);
                for (int t = from; t < to; t++)
                    w[k * steps + t] = 1f / (to - from);
            }
            return w;
        }

        // The [S, T] matrix from T in the graph (a variable-size column): mask(t in [from_k, to_k)) / (to_k − from_k).
        private static string DynamicSegmentWeights(OnnxContext ctx, string steps, int segments)
        {
            string shape = Node(ctx, "Shape", new[] { steps }, "StepsShape");
            string t = Node(ctx, "Gather", new[] { shape, ctx.AddInitializer(new long[] { 0 }, new long[] { 1 }, "TimeAxis") }, "T",
                n => n.AddAttribute("axis", 0)); // [1]
            string s = ctx.AddInitializer(new long[] { segments }, new long[] { 1 }, "S");
            string zero = ctx.AddInitializer(0L, "Zero");
            string one = ctx.AddInitializer(1L, "One");
            string k = Node(ctx, "Range", new[] { zero, ctx.AddInitializer((long)segments, "SegmentCount"), one }, "K"); // [S]
            string from = Node(ctx, "Div", new[] { Node(ctx, "Mul", new[] { k, t }, "KT"), s }, "From");
            string next = Node(ctx, "Div", new[] { Node(ctx, "Mul", new[] { Node(ctx, "Add", new[] { k, one }, "K1"), t }, "K1T"), s }, "Next");
            string to = Node(ctx, "Max", new[] { Node(ctx, "Add", new[] { from, one }, "FromPlus1"), next }, "To");
            string tScalar = Node(ctx, "Squeeze", new[] { t }, "TScalar", n => n.AddAttribute("axes", new long[] { 0 }));
            string positions = Node(ctx, "Range", new[] { zero, tScalar, one }, "Positions"); // [T]
            string fromColumn = Node(ctx, "Unsqueeze", new[] { from }, "FromColumn", n => n.AddAttribute("axes", new long[] { 1 })); // [S, 1]
            string toColumn = Node(ctx, "Unsqueeze", new[] { to }, "ToColumn", n => n.AddAttribute("axes", new long[] { 1 }));
            string atOrAfter = Node(ctx, "Not", new[] { Node(ctx, "Less", new[] { positions, fromColumn }, "BeforeFrom") }, "AtOrAfterFrom");
            string inside = Node(ctx, "And", new[] { atOrAfter, Node(ctx, "Less", new[] { positions, toColumn }, "BeforeTo") }, "Inside"); // [S, T]
            string mask = Node(ctx, "Cast", new[] { inside }, "Mask", n => n.AddAttribute("to", 1)); // float
            string width = Node(ctx, "Cast", new[] { Node(ctx, "Sub", new[] { toColumn, fromColumn }, "WidthLong") }, "Width", n => n.AddAttribute("to", 1));
            return Node(ctx, "Div", new[] { mask, width }, "SegmentWeights");
        }

        /// <summary>PyTorch's 4 gate blocks of rows (i, f, g, o) in ONNX's order (i, o, f, c); each block is h rows of <paramref name="columns"/> values.</summary>
        public static float[] Reorder(float[] torch, int h, int columns)
        {
            var onnx = new float[torch.Length];
            int block = h * columns;
            for (int k = 0; k < 4; k++)
                Array.Copy(torch, Order[k] * block, onnx, k * block, block);
            return onnx;
        }

        /// <summary>A node of <paramref name="op"/> writing a new variable named after <paramref name="name"/>; returns the variable.</summary>
        public static string Node(OnnxContext ctx, string op, string[] inputs, string name, Action<OnnxNode> attributes = null)
        {
            string output = ctx.AddIntermediateVariable(null, name, true);
            var node = ctx.CreateNode(op, inputs, new[] { output }, ctx.GetNodeName(op), Domain);
            attributes?.Invoke(node);
            return output;
        }
    }
}
