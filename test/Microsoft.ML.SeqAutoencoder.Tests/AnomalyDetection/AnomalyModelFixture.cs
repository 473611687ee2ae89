using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;

namespace Microsoft.ML.SeqAutoencoder.Tests.AnomalyDetection
{
    /// <summary>
    /// Two detectors fitted once for a test class on normal sine windows: reconstruction error on one feature, and
    /// Mahalanobis (EncDec-AD) on two. Test sets hold 25% injected anomalies.
    /// </summary>
    public sealed class AnomalyModelFixture : IDisposable
    {
        public const int Steps = 20;

        public AnomalyModelFixture()
        {
            ML = new MLContext(seed: 1);
            ML.Log += (_, e) => { lock (Log) Log.Add(e.Message); };

            Train1 = AnomalySequences.Generate(300, 0, Steps, features: 1, seed: 1);
            Test1 = AnomalySequences.Generate(150, 50, Steps, features: 1, seed: 2);
            ReconstructionOptions = Options(1, SequenceAnomalyScoringMethod.ReconstructionError);
            Reconstruction = ML.AnomalyDetection.Trainers.LstmAutoencoder(ReconstructionOptions)
                .Fit(AnomalySequences.Load(ML, Train1, Steps));

            Train2 = AnomalySequences.Generate(300, 0, Steps, features: 2, seed: 3);
            Test2 = AnomalySequences.Generate(150, 50, Steps, features: 2, seed: 4);
            Mahalanobis = ML.AnomalyDetection.Trainers.LstmAutoencoder(Options(2, SequenceAnomalyScoringMethod.Mahalanobis))
                .Fit(AnomalySequences.Load(ML, Train2, 2 * Steps));
        }

        public MLContext ML { get; }

        public List<string> Log { get; } = new List<string>();

        public List<AnomalyRow> Train1 { get; }

        public List<AnomalyRow> Test1 { get; }

        public List<AnomalyRow> Train2 { get; }

        public List<AnomalyRow> Test2 { get; }

        public SequenceAnomalyOptions ReconstructionOptions { get; }

        public AnomalyPredictionTransformer<SequenceAnomalyModelParameters> Reconstruction { get; }

        public AnomalyPredictionTransformer<SequenceAnomalyModelParameters> Mahalanobis { get; }

        public IDataView TestView1 => AnomalySequences.Load(ML, Test1, Steps);

        public IDataView TestView2 => AnomalySequences.Load(ML, Test2, 2 * Steps);

        /// <summary>Tiny network options shared by the anomaly tests.</summary>
        public static SequenceAnomalyOptions Options(int features, SequenceAnomalyScoringMethod method) => new SequenceAnomalyOptions
        {
            FeaturesPerStep = features,
            EncodingSize = 8,
            HiddenSizes = new[] { 16 },
            Epochs = 25,
            BatchSize = 32,
            ValidationFraction = 0,
            ScoringMethod = method,
            Seed = QualitySeed.Of(7),
        };

        public void Dispose()
        {
            Reconstruction.Model.Dispose();
            Mahalanobis.Model.Dispose();
        }
    }
}
