using System;
using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Onnx;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Persistence;
using Microsoft.ML.SeqAutoencoder.Torch;

[assembly: LoadableClass(typeof(SequenceEncodingTransformer), null, typeof(SignatureLoadModel),
    SequenceEncodingTransformer.UserName, SequenceEncodingTransformer.LoaderSignature)]

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// <see cref="ITransformer"/> resulting from fitting a <see cref="SequenceEncodingEstimator"/>: appends the
    /// fixed-length encoding of each row's sequence, and optionally its reconstruction, forecast and error.
    /// </summary>
    /// <remarks>
    /// <see cref="SequenceTransformerBase.Transform"/> is lazy: rows are scored in batches of <see cref="SequenceAutoencoderOptions.ScoringBatchSize"/>
    /// as a cursor moves, and not at all when no added column is read. The transformer owns a native
    /// (libtorch) network: dispose it when done. Save and load it with <c>mlContext.Model.Save</c>/<c>Load</c>.
    /// </remarks>
    public sealed class SequenceEncodingTransformer : SequenceTransformerBase, IFittedAutoencoder
    {
        internal const string LoaderSignature = "SeqEncodingTransform";
        internal const string UserName = "Sequence Encoding Transformer";

        private readonly SequenceAutoencoderModel _model;
        private readonly string _reconstructionColumnName;
        private readonly string _forecastColumnName;
        private readonly string _errorColumnName;
        private readonly string _codeColumnName;

        internal SequenceEncodingTransformer(IHostEnvironment env, SequenceAutoencoderModel model, SequenceEncodingOptions options)
            : base(env, nameof(SequenceEncodingTransformer), options.InputColumnName, options.OutputColumnName, options.ScoringBatchSize)
        {
            _model = model;
            _reconstructionColumnName = options.ReconstructionColumnName;
            _forecastColumnName = options.ForecastColumnName;
            _errorColumnName = options.ReconstructionErrorColumnName;
            _codeColumnName = options.CodeColumnName;
            Readout = options.Readout;
            ReadoutSegments = options.Readout == SequenceEncodingReadout.SegmentMeans ? options.ReadoutSegments : 0;
        }

        private static VersionInfo GetVersionInfo()
            => ModelVersions.For("SEQ ENCO", LoaderSignature, written: 0x00010002, readBackTo: ModelVersions.Initial);

        // 0x00010001 = initial: the encoding column held the code
        // 0x00010002 = readout (code or segment means) and an optional code column

        // Factory method for SignatureLoadModel.
        private static SequenceEncodingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            ModelVersions.CheckAtModel(env, ctx, GetVersionInfo());

            // *** Binary format ***
            // string: input column name
            // string: output (encoding) column name
            // string or null: reconstruction column name
            // string or null: forecast column name
            // string or null: reconstruction error column name
            // int: scoring batch size
            // (0x00010002) int: readout (SequenceEncodingReadout); int: segments (0 unless segment means)
            // (0x00010002) string or null: code column name
            // stream "SequenceAutoencoder": the network (architecture, standardization, weights)
            return ModelDecode.Read("sequence encoder", () =>
            {
                var options = new SequenceEncodingOptions
                {
                    InputColumnName = ctx.LoadNonEmptyString(),
                    OutputColumnName = ctx.LoadNonEmptyString(),
                    ReconstructionColumnName = ctx.LoadStringOrNull(),
                    ForecastColumnName = ctx.LoadStringOrNull(),
                    ReconstructionErrorColumnName = ctx.LoadStringOrNull(),
                    ScoringBatchSize = ctx.Reader.ReadInt32(),
                    Readout = SequenceEncodingReadout.Code,
                };
                ModelDecode.Size(options.ScoringBatchSize, "scoring batch size");
                if (ctx.Header.ModelVerWritten > ModelVersions.Initial)
                {
                    options.Readout = (SequenceEncodingReadout)ctx.Reader.ReadInt32();
                    options.ReadoutSegments = ctx.Reader.ReadInt32();
                    env.CheckDecode(options.Readout == SequenceEncodingReadout.Code
                        ? options.ReadoutSegments == 0
                        : options.Readout == SequenceEncodingReadout.SegmentMeans && options.ReadoutSegments > 0 && options.ReadoutSegments <= 4096);
                    options.CodeColumnName = ctx.LoadStringOrNull();
                }
                var model = AutoencoderModelFormat.Load(ctx);
                try
                {
                    return new SequenceEncodingTransformer(env, model, options);
                }
                catch
                {
                    model.Dispose();
                    throw;
                }
            });
        }

        private protected override void SaveModel(ModelSaveContext ctx)
        {
            ctx.SetVersionInfo(GetVersionInfo());

            // *** Binary format ***: see Create.
            ctx.SaveNonEmptyString(InputColumnName);
            ctx.SaveNonEmptyString(OutputColumnName);
            ctx.SaveStringOrNull(_reconstructionColumnName);
            ctx.SaveStringOrNull(_forecastColumnName);
            ctx.SaveStringOrNull(_errorColumnName);
            ctx.Writer.Write(ScoringBatchSize);
            ctx.Writer.Write((int)Readout);
            ctx.Writer.Write(ReadoutSegments);
            ctx.SaveStringOrNull(_codeColumnName);
            AutoencoderModelFormat.Save(ctx, _model);
        }

        /// <summary>Number of features in each time step.</summary>
        public int FeaturesPerStep => _model.Architecture.FeaturesPerStep;

        /// <summary>Length of the code the decoders start from (the encoding column's length when <see cref="Readout"/> is the code).</summary>
        public int EncodingSize => _model.Architecture.EncodingSize;

        /// <summary>What the encoding column holds.</summary>
        public SequenceEncodingReadout Readout { get; }

        /// <summary>Number of segments averaged when <see cref="Readout"/> is <see cref="SequenceEncodingReadout.SegmentMeans"/>; 0 otherwise.</summary>
        public int ReadoutSegments { get; }

        /// <summary>Length of the encoding column.</summary>
        public int OutputSize => Readout == SequenceEncodingReadout.Code ? EncodingSize : ReadoutSegments * _model.Architecture.HiddenSizes[^1];

        /// <summary>Name of the optional code column, or null.</summary>
        internal string CodeColumnName => _codeColumnName;

        /// <summary>What the decoders were trained to produce.</summary>
        public SequenceAutoencoderMode Mode => _model.Architecture.Mode;

        /// <summary>Number of steps at the end of each row that the prediction decoder forecasts (0 in Reconstruction mode).</summary>
        public int PredictionLength => _model.Architecture.PredictionLength;

        private protected override bool IsDisposed => _model.IsDisposed;

        /// <summary>The fitted network, for components built on it (decoding, fine-tuning).</summary>
        internal SequenceAutoencoderModel Model => _model;

        SequenceAutoencoderModel IFittedAutoencoder.Autoencoder => _model;

        private protected override SequenceBinding Bind(DataViewSchema inputSchema)
        {
            int f = FeaturesPerStep;
            int p = PredictionLength;
            var input = new SequenceColumn(InputColumnName, f, 1 + p);
            int inputIndex = input.Check(Host, inputSchema, out int inputSize);
            var outputs = new List<SequenceOutput> { SequenceOutput.Vector(OutputColumnName, OutputSize) };
            int reconstruction = Add(outputs, _reconstructionColumnName == null ? null : SequenceOutput.Vector(_reconstructionColumnName, inputSize == 0 ? 0 : inputSize - p * f));
            int forecast = Add(outputs, _forecastColumnName == null ? null : SequenceOutput.Vector(_forecastColumnName, p * f));
            int error = Add(outputs, _errorColumnName == null ? null : SequenceOutput.Scalar(_errorColumnName));
            int code = Add(outputs, _codeColumnName == null ? null : SequenceOutput.Vector(_codeColumnName, EncodingSize));
            return new SequenceBinding(input, inputIndex, p, outputs, (rows, active) =>
            {
                bool Active(int i) => i >= 0 && active[i];
                var kinds = (Active(reconstruction) ? SequenceOutputKinds.Reconstruction : 0)
                    | (Active(forecast) ? SequenceOutputKinds.Forecast : 0)
                    | (Active(error) ? SequenceOutputKinds.Errors : 0);
                SequenceOutputs[] scored = _model.Run(rows, rows.Count, kinds, segments: active[0] ? ReadoutSegments : 0);
                var result = new float[scored.Length][][];
                for (int r = 0; r < scored.Length; r++)
                {
                    var values = result[r] = new float[outputs.Count][];
                    values[0] = Readout == SequenceEncodingReadout.Code ? scored[r].Code : scored[r].SegmentMeans;
                    if (Active(code))
                        values[code] = scored[r].Code;
                    if (Active(reconstruction))
                        values[reconstruction] = scored[r].Reconstruction;
                    if (Active(forecast))
                        values[forecast] = scored[r].Forecast;
                    if (Active(error))
                        values[error] = new[] { (float)scored[r].MeanSquaredError() };
                }
                return result;
            });
        }

        /// <summary>
        /// ONNX export, from the sequence column alone, in every mode: the encoding (either readout), the code, the
        /// reconstruction, the forecast and the error (a conditioned decoder is unrolled over its steps: its
        /// reconstruction over a variable-size column is refused, naming the column).
        /// </summary>
        private protected override bool SaveAsOnnx(OnnxContext ctx, SequenceBinding binding, DataViewSchema inputSchema)
        {
            if (!ctx.ContainsColumn(InputColumnName))
            {
                foreach (var column in binding.Columns)
                    ctx.RemoveColumn(column.Name, false);
                return true;
            }
            int knownSteps = inputSchema[InputColumnName].Type is VectorDataViewType { IsKnownSize: true } vector ? vector.Size / FeaturesPerStep : 0;
            using var use = _model.Use();
            var graph = new AutoencoderOnnxGraph(ctx, _model.Network, ctx.GetVariableName(InputColumnName), knownSteps);
            foreach (var column in binding.Columns)
            {
                string name = column.Name;
                bool decoder = name == _reconstructionColumnName || name == _forecastColumnName || name == _errorColumnName;
                if (decoder && !graph.DecodersExport)
                {
                    throw OnnxRefusal.For(nameof(SequenceEncodingTransformer), $"column '{name}': a conditioned decoder is unrolled over the steps, " +
                        "which needs a fixed-size sequence column; this one has a variable size");
                }
                string output = ctx.AddIntermediateVariable(column.Type, name);
                if (name == OutputColumnName && Readout == SequenceEncodingReadout.SegmentMeans)
                    EncoderOnnxWriter.WriteSegmentMeans(ctx, graph.Hidden, ReadoutSegments, graph.InputSteps, output);
                else if (name == OutputColumnName || name == _codeColumnName)
                    ctx.CreateNode("Identity", new[] { graph.Code }, new[] { output }, ctx.GetNodeName("Identity"), "");
                else if (name == _reconstructionColumnName)
                    EncoderOnnxWriter.WriteUnscaledSequence(ctx, graph.Weights, graph.Reconstruction(), output);
                else if (name == _forecastColumnName)
                    EncoderOnnxWriter.WriteUnscaledSequence(ctx, graph.Weights, graph.Forecast(), output);
                else if (name == _errorColumnName)
                    AnomalyOnnxWriter.WriteMeanSquare(ctx, graph.Errors(), output);
                else
                    throw OnnxRefusal.For(nameof(SequenceEncodingTransformer), $"column '{name}'");
            }
            return true;
        }

        private static int Add(List<SequenceOutput> outputs, SequenceOutput output)
        {
            if (output is null)
                return -1;
            outputs.Add(output);
            return outputs.Count - 1;
        }

        /// <summary>Releases the native network. The transformer cannot be used afterwards.</summary>
        public override void Dispose() => _model.Dispose();
    }
}
