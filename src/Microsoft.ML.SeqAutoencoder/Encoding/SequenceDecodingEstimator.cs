using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Persistence;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Decodes an encoding column into a sequence column of a chosen length with the decoder of a fitted
    /// <see cref="SequenceEncodingTransformer"/>. Nothing is trained: <see cref="Fit"/> only checks the schema.
    /// </summary>
    /// <remarks>
    /// <format type="text/markdown"><![CDATA[
    /// To create this estimator, use [DecodeSequences](xref:Microsoft.ML.SequenceEncodingCatalog.DecodeSequences*).
    ///
    /// ### Estimator Characteristics
    /// |  |  |
    /// | -- | -- |
    /// | Does this estimator need to look at the data to train its parameters? | No |
    /// | Input column data type | Known-sized vector of <xref:System.Single> (EncodingSize) |
    /// | Output column data type | Known-sized vector of <xref:System.Single> (length·F, step-major) |
    /// | Exportable to ONNX | No |
    /// ]]></format>
    /// </remarks>
    public sealed class SequenceDecodingEstimator : IEstimator<SequenceDecodingTransformer>
    {
        private readonly IHost _host;
        private readonly SequenceEncodingTransformer _encoder;
        private readonly string _outputColumnName;
        private readonly string _inputColumnName;
        private readonly int _length;

        internal SequenceDecodingEstimator(IHostEnvironment env, SequenceEncodingTransformer encoder,
            string outputColumnName, string inputColumnName, int length)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(SequenceDecodingEstimator));
            _host.CheckValue(encoder, nameof(encoder));
            ObjectDisposedException.ThrowIf(encoder.Model.IsDisposed, encoder);
            _host.CheckNonWhiteSpace(outputColumnName, nameof(outputColumnName));
            _host.CheckNonWhiteSpace(inputColumnName, nameof(inputColumnName));
            _host.CheckParam(length > 0, nameof(length), "Must be positive.");
            _host.CheckParam(encoder.Readout == SequenceEncodingReadout.Code || inputColumnName != encoder.OutputColumnName, nameof(inputColumnName),
                $"Column '{inputColumnName}' holds the encoder's {encoder.Readout} ({encoder.OutputSize} values), not the {encoder.EncodingSize}-value code the " +
                $"decoder starts from: decode the encoder's code column (set {nameof(SequenceEncodingOptions)}.{nameof(SequenceEncodingOptions.CodeColumnName)}) " +
                $"or fit it with {nameof(SequenceEncodingOptions.Readout)} = {nameof(SequenceEncodingReadout.Code)}.");
            _encoder = encoder;
            _outputColumnName = outputColumnName;
            _inputColumnName = inputColumnName;
            _length = length;
        }

        /// <summary>Returns the decoding transformer, with its own copy of the encoder's network.</summary>
        public SequenceDecodingTransformer Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            ObjectDisposedException.ThrowIf(_encoder.Model.IsDisposed, _encoder);
            return new SequenceDecodingTransformer(_host, AutoencoderModelFormat.Clone(_encoder.Model), _outputColumnName, _inputColumnName, _length)
                .CheckedFor<SequenceDecodingTransformer>(input.Schema);
        }

        /// <summary>Checks the encoding column (a vector of <see cref="float"/>) and adds the sequence column.</summary>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            new SequenceColumn(_inputColumnName, _encoder.EncodingSize, 1, 1).Check(_host, inputSchema);
            var columns = inputSchema.ToDictionary(c => c.Name);
            columns[_outputColumnName] = new SchemaShape.Column(_outputColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
            return new SchemaShape(columns.Values);
        }
    }
}
