using System;
using Microsoft.ML.Data;
using Microsoft.ML.Model.OnnxConverter;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.MLNet;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Base of the row-to-row sequence transformers (<see cref="SequenceEncodingTransformer"/>,
    /// <see cref="SequenceDecodingTransformer"/>, <see cref="SequenceStepErrorsTransformer"/>): each output row depends only
    /// on its input row, <see cref="Transform"/> scores lazily in batches, and <see cref="GetRowToRowMapper"/> scores one
    /// row at a time for prediction engines. The transformer owns a native network: dispose it when done.
    /// </summary>
    public abstract class SequenceTransformerBase : ITransformer, IDisposable
    {
        private protected SequenceTransformerBase(IHostEnvironment env, string registrationName, string inputColumnName,
            string outputColumnName, int scoringBatchSize)
        {
            Host = Contracts.CheckRef(env, nameof(env)).Register(registrationName);
            InputColumnName = inputColumnName;
            OutputColumnName = outputColumnName;
            ScoringBatchSize = scoringBatchSize;
        }

        private protected IHost Host { get; }

        /// <summary>Rows per forward pass when a transformed view is read.</summary>
        private protected int ScoringBatchSize { get; }

        /// <summary>
        /// How much memory the outputs a transformed view keeps for later cursors may take (<see cref="OutputCache"/>); set
        /// per process, tests and benchmarks set it per transformer.
        /// </summary>
        internal OutputCacheBudget OutputCacheBudget { get; set; } = OutputCacheBudget.Default();

        /// <summary>Name of the input column.</summary>
        public string InputColumnName { get; }

        /// <summary>Name of the (first) added column.</summary>
        public string OutputColumnName { get; }

        /// <summary>Always true: each output row depends only on its input row.</summary>
        public bool IsRowToRowMapper => true;

        /// <summary>Whether <see cref="Dispose"/> has released the network.</summary>
        private protected abstract bool IsDisposed { get; }

        /// <summary>The input schema with the added columns.</summary>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
        {
            Host.CheckValue(inputSchema, nameof(inputSchema));
            return new ColumnBindings(inputSchema, CheckedBind(inputSchema).Columns).Schema;
        }

        /// <summary>A lazy view of <paramref name="input"/> with the added columns, computed in batches when read.</summary>
        public IDataView Transform(IDataView input)
        {
            Host.CheckValue(input, nameof(input));
            SequenceBinding binding = CheckedBind(input.Schema);
            return new LookAheadDataView(Host, input, binding.InputIndex, binding.Columns,
                active => new SequenceLookAheadBatch(Host, binding, active, ScoringBatchSize),
                (column, batch, index) => SequenceLookAheadBatch.MakeGetter(binding, column, batch, index), OutputCacheBudget, GetType().Name,
                ctx => SaveAsOnnx(ctx, binding, input.Schema));
        }

        /// <summary>
        /// Writes the stage into an ONNX export (<c>mlContext.Model.ConvertToOnnx</c>) and returns true, or returns false
        /// when the stage has no ONNX export (the export then fails naming it).
        /// </summary>
        private protected virtual bool SaveAsOnnx(OnnxContext ctx, SequenceBinding binding, DataViewSchema inputSchema) => false;

        /// <summary>A row-to-row mapper that scores one row at a time (used by prediction engines).</summary>
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        {
            Host.CheckValue(inputSchema, nameof(inputSchema));
            return new RowToRowMapperTransform(Host, new EmptyDataView(Host, inputSchema), MakeRowMapper(inputSchema), MakeRowMapper);
        }

        void ICanSaveModel.Save(ModelSaveContext ctx)
        {
            Host.CheckValue(ctx, nameof(ctx));
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            ctx.CheckAtModel();
            SaveModel(ctx);
        }

        /// <summary>Sets the version info and writes the transformer's fields and network.</summary>
        private protected abstract void SaveModel(ModelSaveContext ctx);

        /// <summary>Checks the input column in <paramref name="inputSchema"/> and says how to score it.</summary>
        private protected abstract SequenceBinding Bind(DataViewSchema inputSchema);

        /// <summary>Returns this transformer when it can bind <paramref name="inputSchema"/>; otherwise disposes it and throws.</summary>
        internal TTransformer CheckedFor<TTransformer>(DataViewSchema inputSchema)
            where TTransformer : SequenceTransformerBase
        {
            try
            {
                GetOutputSchema(inputSchema);
                return (TTransformer)this;
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>Releases the native network. The transformer cannot be used afterwards.</summary>
        public abstract void Dispose();

        private SequenceBinding CheckedBind(DataViewSchema inputSchema)
        {
            ObjectDisposedException.ThrowIf(IsDisposed, this);
            return Bind(inputSchema);
        }

        private IRowMapper MakeRowMapper(DataViewSchema schema) => new SequenceRowMapper(Host, CheckedBind(schema), this);
    }
}
