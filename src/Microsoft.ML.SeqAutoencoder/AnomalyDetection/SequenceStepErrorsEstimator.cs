using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Adds, for each row, the anomaly score of every step of its sequence under a fitted LSTM autoencoder anomaly
    /// model, to show where a sequence departs from normal. Nothing is trained: <see cref="Fit"/> only checks the schema.
    /// </summary>
    /// <remarks>
    /// <format type="text/markdown"><![CDATA[
    /// To create this estimator, use [ComputeSequenceStepErrors](xref:Microsoft.ML.SequenceAnomalyCatalog.ComputeSequenceStepErrors*).
    ///
    /// ### Estimator Characteristics
    /// |  |  |
    /// | -- | -- |
    /// | Does this estimator need to look at the data to train its parameters? | No |
    /// | Input column data type | Known- or variable-sized vector of <xref:System.Single> (T·F values, step-major) |
    /// | Output column data type | Vector of <xref:System.Single>: one value per error step |
    /// | Exportable to ONNX | No |
    ///
    /// Error steps are the input steps in Reconstruction mode, the PredictionLength forecast steps in Prediction mode,
    /// and both (reconstruction first) in Composite mode. A step's value is the mean squared standardized error
    /// of its F features (ReconstructionError scoring) or its Mahalanobis distance a_t (Mahalanobis scoring); the
    /// mean of a row's step values is its raw anomaly score.
    /// ]]></format>
    /// </remarks>
    public sealed class SequenceStepErrorsEstimator : IEstimator<SequenceStepErrorsTransformer>
    {
        private readonly IHost _host;
        private readonly SequenceAnomalyModelParameters _model;
        private readonly string _outputColumnName;
        private readonly string _inputColumnName;

        internal SequenceStepErrorsEstimator(IHostEnvironment env, SequenceAnomalyModelParameters model, string outputColumnName, string inputColumnName)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(SequenceStepErrorsEstimator));
            _host.CheckValue(model, nameof(model));
            _host.CheckNonWhiteSpace(outputColumnName, nameof(outputColumnName));
            _host.CheckNonWhiteSpace(inputColumnName, nameof(inputColumnName));
            _model = model;
            _outputColumnName = outputColumnName;
            _inputColumnName = inputColumnName;
        }

        /// <summary>Returns the transformer, with its own copy of the model's network.</summary>
        public SequenceStepErrorsTransformer Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            return new SequenceStepErrorsTransformer(_host, _model.Clone(_host), _outputColumnName, _inputColumnName)
                .CheckedFor<SequenceStepErrorsTransformer>(input.Schema);
        }

        /// <summary>Checks the sequence column (a vector of <see cref="float"/>) and adds the step errors column.</summary>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            _model.FeatureColumn(_inputColumnName).Check(_host, inputSchema);
            var columns = inputSchema.ToDictionary(c => c.Name);
            columns[_outputColumnName] = new SchemaShape.Column(_outputColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
            return new SchemaShape(columns.Values);
        }
    }
}
