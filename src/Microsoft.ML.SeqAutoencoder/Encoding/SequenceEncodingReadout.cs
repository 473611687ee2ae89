namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>What the encoding column of <see cref="SequenceEncodingTransformer"/> holds.</summary>
    public enum SequenceEncodingReadout
    {
        /// <summary>
        /// The code the decoders start from: the last encoder layer's state at the row's last step, projected to
        /// <see cref="SequenceNetworkOptions.EncodingSize"/> values. What <c>DecodeSequences</c> turns back into a sequence.
        /// </summary>
        Code = 0,

        /// <summary>
        /// The last encoder layer's output averaged over each of <see cref="SequenceEncodingOptions.ReadoutSegments"/> equal
        /// segments of the row's own length, concatenated in time order: S·H values for a last layer of H units. It keeps
        /// where in the sequence things happen, which the code alone loses; measured on five UCR/UEA sets it is what makes
        /// encodings beat raw values for a downstream linear classifier (docs/benchmarks.md).
        /// </summary>
        SegmentMeans = 1,
    }
}
