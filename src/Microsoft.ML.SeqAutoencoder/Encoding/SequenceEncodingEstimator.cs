using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Native;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Fits an LSTM sequence autoencoder on a column of sequences and appends the fixed-length encoding of
    /// each row (plus, optionally, its reconstruction, forecast and reconstruction error).
    /// </summary>
    /// <remarks>
    /// <format type="text/markdown"><![CDATA[
    /// To create this estimator, use [EncodeSequences](xref:Microsoft.ML.SequenceEncodingCatalog.EncodeSequences*).
    ///
    /// ### Estimator Characteristics
    /// |  |  |
    /// | -- | -- |
    /// | Does this estimator need to look at the data to train its parameters? | Yes |
    /// | Input column data type | Known- or variable-sized vector of <xref:System.Single>: T·F values, step-major |
    /// | Output column data type | Known-sized vector of <xref:System.Single>: ReadoutSegments × the last hidden size (segment means, the default), or EncodingSize (the code) |
    /// | Exportable to ONNX | No |
    ///
    /// The encoder is a stack of LSTM layers; its code is the last layer's final hidden state, projected to
    /// EncodingSize when that differs from the last layer's size, and the decoders start from it. The encoding column
    /// holds, by default, the last layer's output averaged over 8 equal segments of each row's own length (Readout
    /// SegmentMeans), which keeps where in the sequence things happen; or the code itself. Decoders rebuild the input (optionally
    /// in reverse order) and/or forecast the steps that follow it (Srivastava et al. 2015). Features are
    /// standardized with means and deviations fitted on the training rows. Rows of different lengths are
    /// trained and encoded without padding bias. Progress is logged per epoch to `MLContext.Log`.
    /// The fitted transformer holds a native network: dispose it when done.
    /// ]]></format>
    /// </remarks>
    /// <seealso cref="SequenceEncodingCatalog.EncodeSequences(TransformsCatalog, string, string, int, int)"/>
    /// <seealso cref="SequenceEncodingCatalog.EncodeSequences(TransformsCatalog, SequenceEncodingOptions)"/>
    public sealed class SequenceEncodingEstimator : IEstimator<SequenceEncodingTransformer>
    {
        private readonly IHost _host;
        private readonly SequenceEncodingOptions _options;

        internal SequenceEncodingEstimator(IHostEnvironment env, SequenceEncodingOptions options)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(SequenceEncodingEstimator));
            _host.CheckValue(options, nameof(options));
            options.Check(_host);
            _options = options;
        }

        private SequenceColumn InputColumn => new SequenceColumn(_options.InputColumnName, _options.FeaturesPerStep, 1 + _options.TargetSteps);

        /// <summary>Trains the autoencoder on the input column of <paramref name="input"/>.</summary>
        public SequenceEncodingTransformer Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            using var ch = _host.Start("Training");
            SequenceColumn column = InputColumn;
            SequenceSet rows = column.ReadAll(ch, input, _options.TargetSteps);
            if (rows.Count == 0)
                throw ch.Except($"Column '{column.Name}': the training data has no rows; at least one sequence is needed.");

            int seed = _options.Seed ?? _host.Rand.Next();
            var trainer = _options.CreateTrainer(seed);
            ch.Info($"Training a {_options.CreateArchitecture()} on {rows.Count} sequences, seed {seed}.");
            ch.Info(NativeAllocator.Report());
            var model = trainer.Train(rows, progress: p => ch.Info(p.ToString()), checkAlive: _host.CheckAlive);
            return new SequenceEncodingTransformer(_host, model, _options);
        }

        /// <summary>
        /// Checks the input column (a vector of <see cref="float"/>) and returns the schema with the added columns.
        /// </summary>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            InputColumn.Check(_host, inputSchema);
            inputSchema.TryFindColumn(_options.InputColumnName, out var input);
            var columns = inputSchema.ToDictionary(c => c.Name);
            void Add(string name, SchemaShape.Column.VectorKind kind)
            {
                if (name != null)
                    columns[name] = new SchemaShape.Column(name, kind, NumberDataViewType.Single, false);
            }
            Add(_options.OutputColumnName, SchemaShape.Column.VectorKind.Vector);
            Add(_options.ReconstructionColumnName, input.Kind);
            Add(_options.ForecastColumnName, SchemaShape.Column.VectorKind.Vector);
            Add(_options.ReconstructionErrorColumnName, SchemaShape.Column.VectorKind.Scalar);
            Add(_options.CodeColumnName, SchemaShape.Column.VectorKind.Vector);
            return new SchemaShape(columns.Values);
        }
    }
}
