using System;
using System.Collections.Generic;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;

namespace Microsoft.ML.SeqAutoencoder.Tests.Classification
{
    /// <summary>One classifier fitted once for the tests that only read it: three frequency classes, 24 steps.</summary>
    public sealed class ClassifierFixture : IDisposable
    {
        public const int Steps = 24;

        public ClassifierFixture()
        {
            Train = ClassSequences.Generate(150, seed: 1, Steps);
            Test = ClassSequences.Generate(150, seed: 2, Steps);
            TrainView = ClassSequences.Load(ML, Train, Steps);
            TestView = ClassSequences.Load(ML, Test, Steps);
            Pipeline = ML.Transforms.Conversion.MapValueToKey(nameof(ClassRow.Label))
                .Append(ML.MulticlassClassification.Trainers.LstmSequenceClassifier(Options()));
            Model = Pipeline.Fit(TrainView);
        }

        public MLContext ML { get; } = new MLContext(seed: 1);

        public List<ClassRow> Train { get; }

        public List<ClassRow> Test { get; }

        public IDataView TrainView { get; }

        public IDataView TestView { get; }

        public EstimatorChain<MulticlassPredictionTransformer<SequenceClassifierModelParameters>> Pipeline { get; }

        public TransformerChain<MulticlassPredictionTransformer<SequenceClassifierModelParameters>> Model { get; }

        /// <summary>Small and fast: hidden 16, encoding 8, 40 epochs, no validation split.</summary>
        public static SequenceClassifierOptions Options(int epochs = 40, int seed = 1)
            => new SequenceClassifierOptions
            {
                FeatureColumnName = nameof(ClassRow.Values), HiddenSizes = new[] { 16 }, EncodingSize = 8, Epochs = epochs,
                BatchSize = 16, ValidationFraction = 0, HeadLearningRate = 0.01, EncoderLearningRate = 0.01, Seed = QualitySeed.Of(seed),
            };

        public void Dispose() => Model.LastTransformer.Model.Dispose();
    }

    /// <summary>What a prediction engine reads from the classifier.</summary>
    public sealed class ClassPrediction
    {
        public float[] Score { get; set; }
    }
}
