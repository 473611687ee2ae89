using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// The <see cref="ITransformer"/> plumbing shared by the sequence transformers: given how to bind an input
    /// schema, it makes the output schema, the lazy batched view and the row-at-a-time mapper.
    /// </summary>
    internal sealed class SequenceTransformerCore
    {
        private readonly IHost _host;
        private readonly ITransformer _owner;
        private readonly Func<DataViewSchema, SequenceOutputBinding> _bind;
        private readonly int _batchSize;

        public SequenceTransformerCore(IHost host, ITransformer owner, Func<DataViewSchema, SequenceOutputBinding> bind, int batchSize)
        {
            _host = host;
            _owner = owner;
            _bind = bind;
            _batchSize = batchSize;
        }

        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            return new ColumnBindings(inputSchema, _bind(inputSchema).Columns).Schema;
        }

        public IDataView Transform(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            return new BatchScoringDataView(_host, input, _bind(input.Schema), _batchSize);
        }

        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            return new RowToRowMapperTransform(_host, new EmptyDataView(_host, inputSchema), MakeRowMapper(inputSchema), MakeRowMapper);
        }

        private IRowMapper MakeRowMapper(DataViewSchema schema)
            => new SequenceRowMapper(_host, _bind(schema), _owner, ((ICanSaveModel)_owner).Save);
    }
}
