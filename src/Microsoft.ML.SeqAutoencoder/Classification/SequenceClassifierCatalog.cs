using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.MLNet;

namespace Microsoft.ML
{
    /// <summary>Catalog extensions for LSTM sequence classification, optionally fine-tuned from a pretrained sequence encoder.</summary>
    public static class SequenceClassifierCatalog
    {
        /// <summary>
        /// Creates a <see cref="SequenceClassifierTrainer"/>: an LSTM encoder and a linear head trained on labeled
        /// sequences, with a randomly initialized encoder. To start from a fitted autoencoder's encoder, use the overload
        /// with <see cref="SequenceClassifierOptions"/> and set <see cref="SequenceClassifierOptions.PretrainedEncoder"/>.
        /// </summary>
        /// <param name="catalog">The multiclass classification trainers catalog.</param>
        /// <param name="labelColumnName">Name of the label column: a key (use <c>MapValueToKey</c>).</param>
        /// <param name="featureColumnName">Name of the feature column: a known- or variable-sized vector of <see cref="float"/>
        /// holding T·F values per row, step-major.</param>
        /// <param name="featuresPerStep">Number of features F in each time step.</param>
        /// <param name="encodingSize">Length of the encoding the classification head reads.</param>
        /// <example>
        /// <code language="csharp">
        /// var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
        ///     .Append(mlContext.MulticlassClassification.Trainers.LstmSequenceClassifier("Label", "Values", featuresPerStep: 1));
        /// var metrics = mlContext.MulticlassClassification.Evaluate(pipeline.Fit(train).Transform(test));
        /// </code>
        /// </example>
        public static SequenceClassifierTrainer LstmSequenceClassifier(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
            string labelColumnName = DefaultColumnNames.Label,
            string featureColumnName = DefaultColumnNames.Features,
            int featuresPerStep = SequenceNetworkOptions.Defaults.FeaturesPerStep,
            int encodingSize = SequenceNetworkOptions.Defaults.EncodingSize)
            => LstmSequenceClassifier(catalog, new SequenceClassifierOptions
            {
                LabelColumnName = labelColumnName,
                FeatureColumnName = featureColumnName,
                FeaturesPerStep = featuresPerStep,
                EncodingSize = encodingSize,
            });

        /// <summary>
        /// Creates a <see cref="SequenceClassifierTrainer"/> with every option: the encoder's shape, an optional
        /// pretrained encoder to start from, frozen-encoder epochs, the head's and the encoder's learning rates, and training.
        /// </summary>
        /// <param name="catalog">The multiclass classification trainers catalog.</param>
        /// <param name="options">The options.</param>
        /// <example>
        /// <code language="csharp">
        /// // encoder: a SequenceEncodingTransformer fitted on many unlabeled sequences (HiddenSizes { 64 }, EncodingSize 32).
        /// var trainer = mlContext.MulticlassClassification.Trainers.LstmSequenceClassifier(new SequenceClassifierOptions
        /// {
        ///     LabelColumnName = "Label", FeatureColumnName = "Values", HiddenSizes = new[] { 64 }, EncodingSize = 32,
        ///     PretrainedEncoder = encoder, FreezeEncoderEpochs = 5,
        /// });
        /// </code>
        /// </example>
        public static SequenceClassifierTrainer LstmSequenceClassifier(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
            SequenceClassifierOptions options)
        {
            Contracts.CheckValue(catalog, nameof(catalog));
            return new SequenceClassifierTrainer(CatalogEnvironment.GetEnvironment(catalog), options);
        }
    }
}
