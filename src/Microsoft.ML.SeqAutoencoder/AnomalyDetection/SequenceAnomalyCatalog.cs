using System;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.AnomalyDetection;
using Microsoft.ML.SeqAutoencoder.MLNet;

namespace Microsoft.ML
{
    /// <summary>Catalog extensions for LSTM autoencoder anomaly detection on sequences.</summary>
    public static class SequenceAnomalyCatalog
    {
        /// <summary>
        /// Creates a <see cref="SequenceAnomalyTrainer"/>: trains an LSTM autoencoder on normal sequences and
        /// scores rows by how badly it rebuilds them, with a threshold taken from held-out normal rows.
        /// </summary>
        /// <param name="catalog">The anomaly detection trainers catalog.</param>
        /// <param name="featureColumnName">Name of the feature column: a known- or variable-sized vector of <see cref="float"/>
        /// holding T·F values per row, step-major.</param>
        /// <param name="featuresPerStep">Number of features F in each time step.</param>
        /// <param name="encodingSize">Length of the autoencoder's code.</param>
        /// <example>
        /// <code language="csharp">
        /// var model = mlContext.AnomalyDetection.Trainers.LstmAutoencoder("Window", featuresPerStep: 1, encodingSize: 16).Fit(normal);
        /// var metrics = mlContext.AnomalyDetection.Evaluate(model.Transform(test));
        /// </code>
        /// </example>
        public static SequenceAnomalyTrainer LstmAutoencoder(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog,
            string featureColumnName = DefaultColumnNames.Features,
            int featuresPerStep = SequenceNetworkOptions.Defaults.FeaturesPerStep,
            int encodingSize = SequenceNetworkOptions.Defaults.EncodingSize)
            => LstmAutoencoder(catalog, new SequenceAnomalyOptions
            {
                FeatureColumnName = featureColumnName,
                FeaturesPerStep = featuresPerStep,
                EncodingSize = encodingSize,
            });

        /// <summary>
        /// Creates a <see cref="SequenceAnomalyTrainer"/> with every option: network and training, scoring
        /// method (reconstruction error or EncDec-AD Mahalanobis) and threshold method.
        /// </summary>
        /// <param name="catalog">The anomaly detection trainers catalog.</param>
        /// <param name="options">The options.</param>
        public static SequenceAnomalyTrainer LstmAutoencoder(this AnomalyDetectionCatalog.AnomalyDetectionTrainers catalog,
            SequenceAnomalyOptions options)
        {
            Contracts.CheckValue(catalog, nameof(catalog));
            return new SequenceAnomalyTrainer(CatalogEnvironment.GetEnvironment(catalog), options);
        }

        /// <summary>
        /// Returns a copy of an LSTM autoencoder anomaly model whose PredictedLabel is Score &gt; <paramref name="threshold"/>.
        /// Works on fitted models and on models returned by <c>mlContext.Model.Load</c> (whose type cannot be named),
        /// and on a <see cref="TransformerChain{TLastTransformer}"/> ending with such a model.
        /// </summary>
        /// <param name="catalog">The anomaly detection catalog.</param>
        /// <param name="model">The model: an anomaly prediction transformer over <see cref="SequenceAnomalyModelParameters"/>, or a chain ending with one.</param>
        /// <param name="threshold">The threshold on the normalized Score, in (0, 1); 0.5 is the learned threshold.</param>
        /// <returns>A transformer of the same kind as <paramref name="model"/> with the new threshold.</returns>
        public static ITransformer ChangeSequenceAnomalyThreshold(this AnomalyDetectionCatalog catalog, ITransformer model, float threshold)
        {
            Contracts.CheckValue(catalog, nameof(catalog));
            Contracts.CheckValue(model, nameof(model));
            switch (model)
            {
                case AnomalyPredictionTransformer<SequenceAnomalyModelParameters> fitted:
                    return BatchedAnomalyScorer.Install(CatalogEnvironment.GetEnvironment(catalog), catalog.ChangeModelThreshold(fitted, threshold),
                        BatchedAnomalyScorer.BatchSizeOf(fitted));
                case AnomalyPredictionTransformer<IPredictorProducing<float>> loaded when loaded.Model is SequenceAnomalyModelParameters:
                    return BatchedAnomalyScorer.Install(CatalogEnvironment.GetEnvironment(catalog), catalog.ChangeModelThreshold(loaded, threshold),
                        BatchedAnomalyScorer.DefaultBatchSize);
                case TransformerChain<ITransformer> chain when chain.Any():
                    var transformers = chain.ToArray();
                    transformers[^1] = ChangeSequenceAnomalyThreshold(catalog, transformers[^1], threshold);
                    return new TransformerChain<ITransformer>(transformers, ((ITransformerChainAccessor)chain).Scopes);
                default:
                    throw Contracts.ExceptParam(nameof(model),
                        $"Expected an anomaly detection model trained by {nameof(SequenceAnomalyTrainer)} (or a chain ending with one); found {model.GetType()}.");
            }
        }

        /// <summary>
        /// Creates a <see cref="SequenceStepErrorsEstimator"/>: appends the anomaly score of every step of each row's
        /// sequence under <paramref name="model"/>, to show where a sequence departs from normal.
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="model">The fitted anomaly model: <c>transformer.Model</c> of a fitted detector, or
        /// <c>((ISingleFeaturePredictionTransformer&lt;object&gt;)loaded).Model</c> of a loaded one.</param>
        /// <param name="outputColumnName">Name of the column to add: a vector of <see cref="float"/>, one value per error step.</param>
        /// <param name="inputColumnName">Name of the sequence column: a vector of <see cref="float"/> holding T·F values per row, step-major.</param>
        public static SequenceStepErrorsEstimator ComputeSequenceStepErrors(this TransformsCatalog catalog, SequenceAnomalyModelParameters model,
            string outputColumnName = "StepErrors", string inputColumnName = DefaultColumnNames.Features)
        {
            Contracts.CheckValue(catalog, nameof(catalog));
            return new SequenceStepErrorsEstimator(CatalogEnvironment.GetEnvironment(catalog), model, outputColumnName, inputColumnName);
        }
    }
}
