using System;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.Onnx
{
    /// <summary>
    /// One fitted autoencoder written into an ONNX export, for the stages that read its outputs: the scaled, time-major
    /// steps of the sequence column — the input steps and, in the forecasting modes, the last PredictionLength target
    /// steps — the encoder's outputs and code, and on demand the reconstruction of the input steps, the forecast, and
    /// the scaled errors of both (reconstruction steps first), each written once.
    /// </summary>
    internal sealed class AutoencoderOnnxGraph
    {
        private readonly OnnxContext _ctx;
        private readonly SequenceAutoencoderNetwork _network;
        private readonly AutoencoderArchitecture _architecture;
        private readonly string _target;
        private readonly int _inputSteps;
        private string _reconstruction;
        private string _forecast;
        private string _errors;

        /// <param name="ctx">The export.</param>
        /// <param name="network">The fitted network.</param>
        /// <param name="input">The sequence column's variable, [N, (T + P)·F].</param>
        /// <param name="knownSteps">T + P when the column has a fixed size, else 0.</param>
        public AutoencoderOnnxGraph(OnnxContext ctx, SequenceAutoencoderNetwork network, string input, int knownSteps)
        {
            _ctx = ctx;
            _network = network;
            _architecture = network.Architecture;
            Weights = network.Encoder.Weights();
            int p = _architecture.PredictionLength;
            string all = EncoderOnnxWriter.WriteScaledSteps(ctx, Weights, input); // [T + P, N, F]
            Steps = p > 0 ? Slice(all, 0, -p, "InputSteps") : all;
            _target = p > 0 ? Slice(all, -p, long.MaxValue, "TargetSteps") : null;
            _inputSteps = knownSteps > 0 ? knownSteps - p : 0;
            Hidden = EncoderOnnxWriter.WriteLayers(ctx, Weights.Layers, Steps, "Lstm");
            Code = ctx.AddIntermediateVariable(null, "Code", true);
            EncoderOnnxWriter.WriteCode(ctx, Weights, Hidden, Code);
        }

        /// <summary>The encoder's weights.</summary>
        public EncoderWeights Weights { get; }

        /// <summary>The scaled input steps [T, N, F].</summary>
        public string Steps { get; }

        /// <summary>The encoder's last layer's outputs.</summary>
        public EncoderOnnxWriter.Hidden Hidden { get; }

        /// <summary>The code [N, EncodingSize].</summary>
        public string Code { get; }

        /// <summary>
        /// Whether the decoders can be written: a conditioned decoder is unrolled over its steps, so it needs a fixed-size column.
        /// </summary>
        public bool DecodersExport => !_architecture.ConditionalDecoder || !_architecture.HasReconstructionDecoder || _inputSteps > 0;

        /// <summary>T, the input steps, when the column has a fixed size; else 0.</summary>
        public int InputSteps => _inputSteps;

        /// <summary>The reconstruction of the input steps, scaled, in input order [T, N, F].</summary>
        public string Reconstruction()
        {
            if (_reconstruction is null)
            {
                var (layers, weight, bias) = _network.ReconstructionDecoder.Weights();
                int f = _architecture.FeaturesPerStep;
                bool reversed = _architecture.ReverseReconstruction;
                _reconstruction = _architecture.ConditionalDecoder
                    ? AnomalyOnnxWriter.WriteConditionedReconstruction(_ctx, f, Code, _inputSteps, layers, weight, bias, reversed)
                    : AnomalyOnnxWriter.WriteReconstruction(_ctx, f, Steps, Code, layers, weight, bias, reversed);
            }
            return _reconstruction;
        }

        /// <summary>The forecast of the P steps after the input, scaled [P, N, F].</summary>
        public string Forecast()
        {
            if (_forecast is null)
            {
                var (layers, weight, bias) = _network.PredictionDecoder.Weights();
                int f = _architecture.FeaturesPerStep;
                // A conditioned forecast starts from the last input step.
                _forecast = _architecture.ConditionalDecoder
                    ? AnomalyOnnxWriter.WriteConditionedReconstruction(_ctx, f, Code, _architecture.PredictionLength, layers, weight, bias, false,
                        first: EncoderOnnxWriter.Node(_ctx, "Squeeze", new[] { Slice(Steps, -1, long.MaxValue, "LastInputStep") }, "LastStep",
                            n => n.AddAttribute("axes", new long[] { 0 })))
                    : AnomalyOnnxWriter.WriteReconstruction(_ctx, f, _target, Code, layers, weight, bias, false);
            }
            return _forecast;
        }

        /// <summary>The scaled errors of the reconstruction then of the forecast, [steps, N, F], as the library computes them.</summary>
        public string Errors()
        {
            if (_errors is null)
            {
                string reconstruction = _architecture.HasReconstructionDecoder ? AnomalyOnnxWriter.WriteErrors(_ctx, Steps, Reconstruction()) : null;
                string forecast = _architecture.PredictionLength > 0 ? AnomalyOnnxWriter.WriteErrors(_ctx, _target, Forecast()) : null;
                _errors = reconstruction is null ? forecast
                    : forecast is null ? reconstruction
                    : EncoderOnnxWriter.Node(_ctx, "Concat", new[] { reconstruction, forecast }, "AllErrors", n => n.AddAttribute("axis", 0));
            }
            return _errors;
        }

        private string Slice(string data, long start, long end, string name)
            => EncoderOnnxWriter.Node(_ctx, "Slice", new[]
            {
                data,
                _ctx.AddInitializer(new[] { start }, new long[] { 1 }, name + "Start"),
                _ctx.AddInitializer(new[] { end }, new long[] { 1 }, name + "End"),
                _ctx.AddInitializer(new long[] { 0 }, new long[] { 1 }, name + "Axis"),
            }, name);
    }
}
