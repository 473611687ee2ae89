using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Scoring;

[assembly: LoadableClass(typeof(SequenceStepErrorsTransformer), null, typeof(SignatureLoadModel),
    SequenceStepErrorsTransformer.UserName, SequenceStepErrorsTransformer.LoaderSignature)]

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// <see cref="ITransformer"/> resulting from fitting a <see cref="SequenceStepErrorsEstimator"/>: appends the
    /// anomaly score of every step of each row's sequence.
    /// </summary>
    /// <remarks>
    /// <see cref="Transform"/> is lazy and scores rows in batches as a cursor moves. The transformer owns a copy of
    /// the native network: dispose it when done. Save and load it with <c>mlContext.Model.Save</c>/<c>Load</c>.
    /// </remarks>
    public sealed class SequenceStepErrorsTransformer : ITransformer, IDisposable
    {
        internal const string LoaderSignature = "SeqStepErrorsTransform";
        internal const string UserName = "Sequence Step Errors Transformer";
        private const string ModelName = "Model";
        private const int ScoringBatchSize = 256;

        private readonly IHost _host;
        private readonly LstmAutoencoderModelParameters _model;
        private readonly SequenceTransformerCore _core;
        private bool _disposed;

        internal SequenceStepErrorsTransformer(IHostEnvironment env, LstmAutoencoderModelParameters model, string outputColumnName, string inputColumnName)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(SequenceStepErrorsTransformer));
            _model = model;
            OutputColumnName = outputColumnName;
            InputColumnName = inputColumnName;
            _core = new SequenceTransformerCore(_host, this, Bind, ScoringBatchSize);
        }

        private static VersionInfo GetVersionInfo()
            => new VersionInfo(
                modelSignature: "SEQSTEPE",
                verWrittenCur: 0x00010001, // Initial
                verReadableCur: 0x00010001,
                verWeCanReadBack: 0x00010001,
                loaderSignature: LoaderSignature,
                loaderAssemblyName: typeof(SequenceStepErrorsTransformer).Assembly.FullName);

        // Factory method for SignatureLoadModel.
        private static SequenceStepErrorsTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());

            // *** Binary format ***
            // string: output column name
            // string: input column name
            // model "Model": the LstmAutoencoderModelParameters
            string output = ctx.LoadNonEmptyString();
            string input = ctx.LoadNonEmptyString();
            ctx.LoadModel<LstmAutoencoderModelParameters, SignatureLoadModel>(env, out var model, ModelName);
            return new SequenceStepErrorsTransformer(env, model, output, input);
        }

        void ICanSaveModel.Save(ModelSaveContext ctx)
        {
            _host.CheckValue(ctx, nameof(ctx));
            ObjectDisposedException.ThrowIf(_disposed, this);
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());

            // *** Binary format ***: see Create.
            ctx.SaveNonEmptyString(OutputColumnName);
            ctx.SaveNonEmptyString(InputColumnName);
            ctx.SaveModel(_model, ModelName);
        }

        /// <summary>Name of the sequence column (a vector of <see cref="float"/>, T·F values per row).</summary>
        public string InputColumnName { get; }

        /// <summary>Name of the added step errors column.</summary>
        public string OutputColumnName { get; }

        /// <summary>The anomaly model whose step scores are computed (owned by this transformer).</summary>
        public LstmAutoencoderModelParameters Model => _model;

        /// <summary>Always true: each output row depends only on its input row.</summary>
        public bool IsRowToRowMapper => true;

        /// <summary>The input schema with the added column.</summary>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _core.GetOutputSchema(inputSchema);

        /// <summary>A lazy view of <paramref name="input"/> with the added column, scored in batches when read.</summary>
        public IDataView Transform(IDataView input) => _core.Transform(input);

        /// <summary>A row-to-row mapper that scores one row at a time (used by prediction engines).</summary>
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _core.GetRowToRowMapper(inputSchema);

        private SequenceOutputBinding Bind(DataViewSchema inputSchema)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var scorer = _model.Scorer;
            var input = new SequenceColumn(InputColumnName, _model.FeaturesPerStep, scorer.MinimumSteps);
            int inputIndex = input.Check(_host, inputSchema, out int inputSize);
            int size = inputSize == 0 ? 0 : scorer.ErrorSteps(inputSize / _model.FeaturesPerStep);
            var output = SequenceOutput.ForVector(OutputColumnName, size, s => s.StepScores);
            return new SequenceOutputBinding(input, inputIndex, new[] { output },
                (rows, active) => _model.StepScores(rows, ScoringBatchSize)
                    .Select(steps => new ScoredSequence(null, null, null, float.NaN) { StepScores = steps.Select(v => (float)v).ToArray() })
                    .ToArray());
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
