using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Options of <see cref="SequenceEncodingEstimator"/>, as used in
    /// <see cref="SequenceEncodingCatalog.EncodeSequences(TransformsCatalog, SequenceEncodingOptions)"/>: the columns,
    /// plus the network shape and training (inherited).
    /// </summary>
    public sealed class SequenceEncodingOptions : SequenceAutoencoderOptions
    {
        /// <summary>Name of the input column: a vector of <see cref="System.Single"/> holding T·F values per row (known or variable size).</summary>
        public string InputColumnName;

        /// <summary>
        /// Name of the encoding column to add: a known-sized vector of <see cref="System.Single"/>, what <see cref="Readout"/>
        /// says (by default the segment means, <see cref="ReadoutSegments"/> × the last hidden size values).
        /// </summary>
        public string OutputColumnName = DefaultColumnNames.Encoding;

        /// <summary>What the encoding column holds: the segment means of the encoder's states (default) or the code.</summary>
        public SequenceEncodingReadout Readout = Defaults.Readout;

        /// <summary><see cref="SequenceEncodingReadout.SegmentMeans"/>: number of equal segments of each row averaged.</summary>
        public int ReadoutSegments = Defaults.ReadoutSegments;

        /// <summary>
        /// Optional column for the code (<see cref="SequenceNetworkOptions.EncodingSize"/> values), the input of
        /// <c>DecodeSequences</c> when the encoding column holds another readout.
        /// </summary>
        public string CodeColumnName;

        /// <summary>Optional column for the rebuilt input steps, in input order and original units (Reconstruction and Composite modes).</summary>
        public string ReconstructionColumnName;

        /// <summary>Optional column for the forecast of the last <see cref="SequenceAutoencoderOptions.PredictionLength"/> steps of each row (Prediction and Composite modes).</summary>
        public string ForecastColumnName;

        /// <summary>
        /// Optional <see cref="System.Single"/> column: the mean squared error of everything the decoders produce for the row
        /// (reconstruction and forecast), each feature scaled by its training standard deviation.
        /// </summary>
        public string ReconstructionErrorColumnName;

        internal static class DefaultColumnNames
        {
            public const string Encoding = "Encoding";
        }

        internal static new class Defaults
        {
            // Chosen once for all sets on validation folds of five UCR/UEA training sets (docs/benchmarks.md, `ucr`):
            // panel mean 0.878 against 0.670 for the code and 0.787 for the raw values, with the same linear trainer.
            public const SequenceEncodingReadout Readout = SequenceEncodingReadout.SegmentMeans;
            public const int ReadoutSegments = 8;
        }

        internal override void Check(IExceptionContext ectx)
        {
            base.Check(ectx);
            ectx.CheckUserArg(!string.IsNullOrWhiteSpace(InputColumnName), nameof(InputColumnName), "An input column is required.");
            ectx.CheckUserArg(!string.IsNullOrWhiteSpace(OutputColumnName), nameof(OutputColumnName), "An output column name is required.");
            ectx.CheckUserArg(System.Enum.IsDefined(Readout), nameof(Readout), "Unknown readout.");
            ectx.CheckUserArg(ReadoutSegments > 0, nameof(ReadoutSegments), "Must be positive.");
            ectx.CheckUserArg(ReconstructionColumnName == null || Mode != SequenceAutoencoderMode.Prediction,
                nameof(ReconstructionColumnName), "Prediction mode has no reconstruction decoder.");
            ectx.CheckUserArg(ForecastColumnName == null || Mode != SequenceAutoencoderMode.Reconstruction,
                nameof(ForecastColumnName), "Reconstruction mode has no prediction decoder.");
        }
    }
}
