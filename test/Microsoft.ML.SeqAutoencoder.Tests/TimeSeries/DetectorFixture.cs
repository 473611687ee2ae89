using System;
using System.Collections.Generic;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;

namespace Microsoft.ML.SeqAutoencoder.Tests.TimeSeries
{
    /// <summary>One tiny detector, trained once on a clean periodic series and shared by the detector tests.</summary>
    public sealed class DetectorFixture : IDisposable
    {
        public const int TrainingRows = 1000;
        public const int WindowSize = 16;

        public DetectorFixture()
        {
            MLContext = new MLContext(seed: 1);
            MLContext.Log += (_, e) =>
            {
                lock (Log)
                    Log.Add(e.Message);
            };
            Training = SyntheticSeries.Rows(SyntheticSeries.Clean(0, TrainingRows, seed: 3));
            Estimator = MLContext.Transforms.DetectAnomalyBySequenceAutoencoder(Options());
            Model = Estimator.Fit(MLContext.Data.LoadFromEnumerable(Training));
        }

        public MLContext MLContext { get; }

        public List<string> Log { get; } = new List<string>();

        public SeriesRow[] Training { get; }

        public TimeSeriesAnomalyEstimator Estimator { get; }

        public TimeSeriesAnomalyDetector Model { get; }

        public static TimeSeriesAnomalyOptions Options() => new TimeSeriesAnomalyOptions
        {
            InputColumnName = nameof(SeriesRow.Value),
            OutputColumnName = "Prediction",
            WindowSize = WindowSize,
            Stride = 1,
            HiddenSizes = new[] { 12 },
            EncodingSize = 8,
            Epochs = 12,
            BatchSize = 32,
            LearningRate = 0.01,
            ValidationFraction = 0,
            ReverseReconstruction = true,
            ScoringBatchSize = 64,
            Seed = QualitySeed.Of(1),
        };

        public void Dispose() => Model.Dispose();
    }
}
