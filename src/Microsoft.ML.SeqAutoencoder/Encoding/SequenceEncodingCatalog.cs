using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.MLNet;

namespace Microsoft.ML
{
    /// <summary>Catalog extensions that encode sequences into fixed-length vectors with an LSTM autoencoder, and decode them back.</summary>
    public static class SequenceEncodingCatalog
    {
        /// <summary>
        /// Creates a <see cref="SequenceEncodingEstimator"/>: fits an LSTM autoencoder on the sequences in
        /// <paramref name="inputColumnName"/> and appends each row's fixed-length encoding.
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="outputColumnName">Name of the encoding column to add: a known-sized vector of <see cref="float"/> of <paramref name="encodingSize"/> values.</param>
        /// <param name="inputColumnName">Name of the sequence column: a known- or variable-sized vector of <see cref="float"/> holding T·F values per row,
        /// step-major (step 0's features, then step 1's, ...). If null, <paramref name="outputColumnName"/> is used.</param>
        /// <param name="featuresPerStep">Number of features F in each time step.</param>
        /// <param name="encodingSize">Length of the encoding.</param>
        /// <example>
        /// <code language="csharp">
        /// var pipeline = mlContext.Transforms.EncodeSequences("Encoding", "Beat", featuresPerStep: 1, encodingSize: 16)
        ///     .Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy(featureColumnName: "Encoding"));
        /// </code>
        /// </example>
        public static SequenceEncodingEstimator EncodeSequences(this TransformsCatalog catalog,
            string outputColumnName = SequenceEncodingOptions.DefaultColumnNames.Encoding, string inputColumnName = null,
            int featuresPerStep = SequenceNetworkOptions.Defaults.FeaturesPerStep,
            int encodingSize = SequenceNetworkOptions.Defaults.EncodingSize)
            => EncodeSequences(catalog, new SequenceEncodingOptions
            {
                OutputColumnName = outputColumnName,
                InputColumnName = inputColumnName ?? outputColumnName,
                FeaturesPerStep = featuresPerStep,
                EncodingSize = encodingSize,
            });

        /// <summary>
        /// Creates a <see cref="SequenceEncodingEstimator"/> with every option: columns, network shape, mode
        /// (reconstruction, prediction, composite), training and extra output columns.
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="options">The options.</param>
        public static SequenceEncodingEstimator EncodeSequences(this TransformsCatalog catalog, SequenceEncodingOptions options)
        {
            Contracts.CheckValue(catalog, nameof(catalog));
            return new SequenceEncodingEstimator(CatalogEnvironment.GetEnvironment(catalog), options);
        }

        /// <summary>
        /// Creates a <see cref="SequenceDecodingEstimator"/>: turns each encoding back into a sequence of
        /// <paramref name="length"/> steps with the decoder of <paramref name="encoder"/> (one-to-many).
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="encoder">A fitted encoding transformer whose decoder is used.</param>
        /// <param name="outputColumnName">Name of the sequence column to add: a known-sized vector of <see cref="float"/> of <paramref name="length"/>·F values, step-major.</param>
        /// <param name="inputColumnName">Name of the encoding column: a vector of <see cref="float"/> of the encoder's EncodingSize values.</param>
        /// <param name="length">Number of steps to decode; may differ from the training length.</param>
        public static SequenceDecodingEstimator DecodeSequences(this TransformsCatalog catalog, SequenceEncodingTransformer encoder,
            string outputColumnName, string inputColumnName, int length)
        {
            Contracts.CheckValue(catalog, nameof(catalog));
            return new SequenceDecodingEstimator(CatalogEnvironment.GetEnvironment(catalog), encoder, outputColumnName, inputColumnName, length);
        }
    }
}
