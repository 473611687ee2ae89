using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Training;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Fits an LSTM sequence autoencoder on a column of sequences and appends the fixed-length encoding of
    /// each row (plus, optionally, its reconstruction, forecast and reconstruction error).
    /// </summary>
    /// <remarks>
    /// <format type="text/markdown"><![CDATA[
    /// To create this estimator, use [EncodeSequences](xref:Microsoft.ML.SeqAutoencoderCatalog.EncodeSequences*).
    ///
    /// ### Estimator Characteristics
    /// |  |  |
    /// | -- | -- |
    /// | Does this estimator need to look at the data to train its parameters? | Yes |
    /// | Input column data type | Known- or variable-sized vector of <xref:System.Single>: T·F values, step-major |
    /// | Output column data type | Known-sized vector of <xref:System.Single> (EncodingSize) |
    /// | Exportable to ONNX | No |
    ///
    /// The encoder is a stack of LSTM layers; the encoding is the last layer's final hidden state, projected
    /// to EncodingSize when that differs from the last layer's size. Decoders rebuild the input (optionally
    /// in reverse order) and/or forecast the steps that follow it (Srivastava et al. 2015). Features are
    /// standardized with means and deviations fitted on the training rows. Rows of different lengths are
    /// trained and encoded without padding bias. Progress is logged per epoch to `MLContext.Log`.
    /// The fitted transformer holds a native network: dispose it when done.
    /// ]]></format>
    /// </remarks>
    /// <seealso cref="SeqAutoencoderCatalog.EncodeSequences(TransformsCatalog, string, string, int, int)"/>
    /// <seealso cref="SeqAutoencoderCatalog.EncodeSequences(TransformsCatalog, SequenceAutoencoderOptions)"/>
    public sealed class SequenceEncodingEstimator : IEstimator<SequenceEncodingTransformer>
    {
        private readonly IHost _host;
        private readonly SequenceAutoencoderOptions _options;

        internal SequenceEncodingEstimator(IHostEnvironment env, SequenceAutoencoderOptions options)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(SequenceEncodingEstimator));
            _host.CheckValue(options, nameof(options));
            options.Check(_host);
            _options = options;
        }

        private SequenceColumn InputColumn
            => new SequenceColumn(_options.InputColumnName, _options.FeaturesPerStep,
                1 + (_options.Mode == SequenceAutoencoderMode.Reconstruction ? 0 : _options.PredictionLength));

        /// <summary>Trains the autoencoder on the input column of <paramref name="input"/>.</summary>
        public SequenceEncodingTransformer Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            var architecture = _options.CreateArchitecture();
            SequenceColumn column = InputColumn;
            int index = column.Check(_host, input.Schema, out _);

            using var ch = _host.Start("Training");
            int f = architecture.FeaturesPerStep;
            int tail = architecture.PredictionLength * f;
            var inputs = new SequenceSet(f);
            var future = tail > 0 ? new SequenceSet(f) : null;
            using (var cursor = input.GetRowCursor(new[] { input.Schema[index] }))
            {
                var getter = cursor.GetGetter<VBuffer<float>>(input.Schema[index]);
                var buffer = default(VBuffer<float>);
                while (cursor.MoveNext())
                {
                    float[] row = column.Read(ch, getter, ref buffer, cursor.Position);
                    inputs.Add(row.AsSpan(0, row.Length - tail));
                    future?.Add(row.AsSpan(row.Length - tail));
                }
            }
            if (inputs.Count == 0)
                throw ch.Except($"Column '{column.Name}': the training data has no rows; at least one sequence is needed.");

            int seed = _options.Seed ?? _host.Rand.Next();
            ch.Info($"Training a {architecture.Mode} LSTM autoencoder (F={f}, hidden [{string.Join(", ", architecture.HiddenSizes)}], " +
                $"encoding {architecture.EncodingSize}) on {inputs.Count} sequences, seed {seed}.");
            var trainer = new AutoencoderTrainer(architecture, _options.CreateSettings(seed));
            var model = trainer.Train(inputs, future, p => ch.Info(Describe(p)), _host.CheckAlive);
            return new SequenceEncodingTransformer(_host, model, _options);
        }

        internal static string Describe(EpochProgress p)
            => $"Epoch {p.Epoch}/{p.Epochs}: loss {p.TrainingLoss:G4}" +
               (p.ValidationLoss.HasValue ? $", validation loss {p.ValidationLoss.Value:G4}" : "") +
               $", {p.Seconds:F2} s{(p.IsBest ? " (best)" : "")}";

        /// <summary>
        /// Checks the input column (a vector of <see cref="float"/>) and returns the schema with the added columns.
        /// </summary>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            InputColumn.Check(_host, inputSchema);
            inputSchema.TryFindColumn(_options.InputColumnName, out var input);
            var columns = inputSchema.ToDictionary(c => c.Name);
            columns[_options.OutputColumnName] = new SchemaShape.Column(_options.OutputColumnName,
                SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
            if (_options.ReconstructionColumnName != null)
            {
                columns[_options.ReconstructionColumnName] = new SchemaShape.Column(_options.ReconstructionColumnName,
                    input.Kind, NumberDataViewType.Single, false);
            }
            if (_options.ForecastColumnName != null)
            {
                columns[_options.ForecastColumnName] = new SchemaShape.Column(_options.ForecastColumnName,
                    SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
            }
            if (_options.ReconstructionErrorColumnName != null)
            {
                columns[_options.ReconstructionErrorColumnName] = new SchemaShape.Column(_options.ReconstructionErrorColumnName,
                    SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false);
            }
            return new SchemaShape(columns.Values);
        }
    }
}
