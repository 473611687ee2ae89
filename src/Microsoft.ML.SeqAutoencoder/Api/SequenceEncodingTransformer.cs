using System;
using System.Collections.Generic;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Scoring;

[assembly: LoadableClass(typeof(SequenceEncodingTransformer), null, typeof(SignatureLoadModel),
    SequenceEncodingTransformer.UserName, SequenceEncodingTransformer.LoaderSignature)]

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// <see cref="ITransformer"/> resulting from fitting a <see cref="SequenceEncodingEstimator"/>: appends the
    /// fixed-length encoding of each row's sequence, and optionally its reconstruction, forecast and error.
    /// </summary>
    /// <remarks>
    /// <see cref="Transform"/> is lazy: rows are scored in batches of <see cref="SequenceAutoencoderTrainingOptions.ScoringBatchSize"/>
    /// as a cursor moves, and not at all when no added column is read. The transformer owns a native
    /// (libtorch) network: dispose it when done. Save and load it with <c>mlContext.Model.Save</c>/<c>Load</c>.
    /// </remarks>
    public sealed class SequenceEncodingTransformer : ITransformer, IDisposable
    {
        internal const string LoaderSignature = "SeqEncodingTransform";
        internal const string UserName = "Sequence Encoding Transformer";
        private const string NetworkStreamName = "SequenceAutoencoder";

        private readonly IHost _host;
        private readonly SequenceAutoencoderModel _model;
        private readonly SequenceTransformerCore _core;
        private readonly SequenceRowScorer _scorer;
        private readonly string _reconstructionColumnName;
        private readonly string _forecastColumnName;
        private readonly string _errorColumnName;
        private readonly int _scoringBatchSize;
        private bool _disposed;

        internal SequenceEncodingTransformer(IHostEnvironment env, SequenceAutoencoderModel model, SequenceAutoencoderOptions options)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(SequenceEncodingTransformer));
            _model = model;
            _scorer = new SequenceRowScorer(model);
            InputColumnName = options.InputColumnName;
            OutputColumnName = options.OutputColumnName;
            _reconstructionColumnName = options.ReconstructionColumnName;
            _forecastColumnName = options.ForecastColumnName;
            _errorColumnName = options.ReconstructionErrorColumnName;
            _scoringBatchSize = options.ScoringBatchSize;
            _core = new SequenceTransformerCore(_host, this, Bind, _scoringBatchSize);
        }

        private static VersionInfo GetVersionInfo()
            => new VersionInfo(
                modelSignature: "SEQ ENCO",
                verWrittenCur: 0x00010001, // Initial
                verReadableCur: 0x00010001,
                verWeCanReadBack: 0x00010001,
                loaderSignature: LoaderSignature,
                loaderAssemblyName: typeof(SequenceEncodingTransformer).Assembly.FullName);

        // Factory method for SignatureLoadModel.
        private static SequenceEncodingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());

            // *** Binary format ***
            // string: input column name
            // string: output (encoding) column name
            // string or null: reconstruction column name
            // string or null: forecast column name
            // string or null: reconstruction error column name
            // int: scoring batch size
            // stream "SequenceAutoencoder": the network (architecture, standardization, weights)
            var options = new SequenceAutoencoderOptions
            {
                InputColumnName = ctx.LoadNonEmptyString(),
                OutputColumnName = ctx.LoadNonEmptyString(),
                ReconstructionColumnName = ctx.LoadStringOrNull(),
                ForecastColumnName = ctx.LoadStringOrNull(),
                ReconstructionErrorColumnName = ctx.LoadStringOrNull(),
                ScoringBatchSize = ctx.Reader.ReadInt32(),
            };
            env.CheckDecode(options.ScoringBatchSize > 0);
            SequenceAutoencoderModel model = null;
            ModelStreams.LoadBinaryStream(ctx, NetworkStreamName, r => model = SequenceAutoencoderModel.Load(r.BaseStream));
            return new SequenceEncodingTransformer(env, model, options);
        }

        void ICanSaveModel.Save(ModelSaveContext ctx)
        {
            _host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());

            // *** Binary format ***
            // string: input column name
            // string: output (encoding) column name
            // string or null: reconstruction column name
            // string or null: forecast column name
            // string or null: reconstruction error column name
            // int: scoring batch size
            // stream "SequenceAutoencoder": the network (architecture, standardization, weights)
            ctx.SaveNonEmptyString(InputColumnName);
            ctx.SaveNonEmptyString(OutputColumnName);
            ctx.SaveStringOrNull(_reconstructionColumnName);
            ctx.SaveStringOrNull(_forecastColumnName);
            ctx.SaveStringOrNull(_errorColumnName);
            ctx.Writer.Write(_scoringBatchSize);
            ModelStreams.SaveBinaryStream(ctx, NetworkStreamName, w => _model.Save(w.BaseStream));
        }

        /// <summary>Name of the input column (a vector of <see cref="float"/>, T·F values per row).</summary>
        public string InputColumnName { get; }

        /// <summary>Name of the added encoding column.</summary>
        public string OutputColumnName { get; }

        /// <summary>Number of features in each time step.</summary>
        public int FeaturesPerStep => _model.Architecture.FeaturesPerStep;

        /// <summary>Length of the encoding.</summary>
        public int EncodingSize => _model.Architecture.EncodingSize;

        /// <summary>What the decoders were trained to produce.</summary>
        public SequenceAutoencoderMode Mode => _model.Architecture.Mode;

        /// <summary>Number of steps at the end of each row that the prediction decoder forecasts (0 in Reconstruction mode).</summary>
        public int PredictionLength => _model.Architecture.PredictionLength;

        /// <summary>The fitted network, for components built on it (decoding, fine-tuning).</summary>
        internal SequenceAutoencoderModel Model => _model;

        /// <summary>Whether <see cref="Dispose"/> has released the network.</summary>
        internal bool IsDisposed => _disposed;

        /// <summary>Always true: each output row depends only on its input row.</summary>
        public bool IsRowToRowMapper => true;

        /// <summary>The input schema with the added columns.</summary>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _core.GetOutputSchema(inputSchema);

        /// <summary>A lazy view of <paramref name="input"/> with the added columns, computed in batches when read.</summary>
        public IDataView Transform(IDataView input) => _core.Transform(input);

        /// <summary>A row-to-row mapper that scores one row at a time (used by prediction engines).</summary>
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _core.GetRowToRowMapper(inputSchema);

        private SequenceOutputBinding Bind(DataViewSchema inputSchema)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var input = new SequenceColumn(InputColumnName, FeaturesPerStep, _scorer.MinimumSteps);
            int inputIndex = input.Check(_host, inputSchema, out int inputSize);
            int f = FeaturesPerStep;
            var outputs = new List<SequenceOutput> { SequenceOutput.ForVector(OutputColumnName, EncodingSize, s => s.Code) };
            int reconstruction = -1, forecast = -1, error = -1;
            if (_reconstructionColumnName != null)
            {
                reconstruction = outputs.Count;
                outputs.Add(SequenceOutput.ForVector(_reconstructionColumnName, inputSize == 0 ? 0 : inputSize - PredictionLength * f, s => s.Reconstruction));
            }
            if (_forecastColumnName != null)
            {
                forecast = outputs.Count;
                outputs.Add(SequenceOutput.ForVector(_forecastColumnName, PredictionLength * f, s => s.Forecast));
            }
            if (_errorColumnName != null)
            {
                error = outputs.Count;
                outputs.Add(SequenceOutput.ForScalar(_errorColumnName, s => s.Error));
            }
            return new SequenceOutputBinding(input, inputIndex, outputs,
                (rows, active) => _scorer.Score(rows,
                    reconstruction >= 0 && active[reconstruction],
                    forecast >= 0 && active[forecast],
                    error >= 0 && active[error]));
        }

        /// <summary>Releases the native network. The transformer cannot be used afterwards.</summary>
        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            _model.Dispose();
        }
    }
}
