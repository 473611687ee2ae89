using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.MLNet;

namespace Microsoft.ML
{
    /// <summary>Catalog extensions that add LSTM-autoencoder anomaly detection on time series to ML.NET pipelines.</summary>
    public static class TimeSeriesAnomalyCatalog
    {
        /// <summary>
        /// Creates a <see cref="TimeSeriesAnomalyEstimator"/>: detects anomalies in a time series from the
        /// reconstruction error of an LSTM autoencoder over the window of the last <paramref name="windowSize"/> rows.
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="outputColumnName">Name of the column to add: a vector of <see cref="double"/> with 3 elements:
        /// Alert (1 when the p-value is below 1 − <paramref name="confidence"/>/100, else 0), Raw Score (the reconstruction
        /// error of the window ending at the row) and P-Value (its empirical tail probability among held-out training windows).
        /// The first <paramref name="windowSize"/> − 1 rows get 0, 0 and 1.</param>
        /// <param name="inputColumnName">Name of the input column, one row per time step: <see cref="float"/> when
        /// <paramref name="featuresPerStep"/> is 1, otherwise a known-sized vector of <paramref name="featuresPerStep"/> <see cref="float"/> values
        /// (any known size when it is 0).</param>
        /// <param name="windowSize">Number of consecutive rows in each scored window.</param>
        /// <param name="featuresPerStep">Number of features in each time step; 0 (the default) takes it from the input column: 1 for a
        /// <see cref="float"/>, n for a known-sized vector of n.</param>
        /// <param name="confidence">Confidence in percent, in (0, 100).</param>
        /// <example>
        /// <code language="csharp">
        /// var detector = mlContext.Transforms.DetectAnomalyBySequenceAutoencoder("Prediction", "Value", windowSize: 32).Fit(history);
        /// IDataView scored = detector.Transform(stream);
        /// </code>
        /// </example>
        public static TimeSeriesAnomalyEstimator DetectAnomalyBySequenceAutoencoder(this TransformsCatalog catalog,
            string outputColumnName, string inputColumnName, int windowSize,
            int featuresPerStep = TimeSeriesAnomalyOptions.Defaults.FeaturesPerStep,
            double confidence = TimeSeriesAnomalyOptions.Defaults.Confidence)
            => DetectAnomalyBySequenceAutoencoder(catalog, new TimeSeriesAnomalyOptions
            {
                OutputColumnName = outputColumnName,
                InputColumnName = inputColumnName,
                WindowSize = windowSize,
                FeaturesPerStep = featuresPerStep,
                Confidence = confidence,
            });

        /// <summary>
        /// Creates a <see cref="TimeSeriesAnomalyEstimator"/> with every option: columns, window, stride, confidence,
        /// held-out share, network shape and training.
        /// </summary>
        /// <param name="catalog">The transforms catalog.</param>
        /// <param name="options">The options.</param>
        public static TimeSeriesAnomalyEstimator DetectAnomalyBySequenceAutoencoder(this TransformsCatalog catalog, TimeSeriesAnomalyOptions options)
        {
            Contracts.CheckValue(catalog, nameof(catalog));
            return new TimeSeriesAnomalyEstimator(CatalogEnvironment.GetEnvironment(catalog), options);
        }
    }
}
