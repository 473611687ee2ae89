using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SeqAutoencoder.Tests.Classification
{
    /// <summary>The multiclass contract: Score and PredictedLabel, Evaluate, MapKeyToValue, persistence, determinism.</summary>
    public sealed class SequenceClassifierTests : IClassFixture<ClassifierFixture>
    {
        private const int Steps = ClassifierFixture.Steps;

        // Transform scores in batches, PredictionEngine and loaded models one row per pass: compared as Parity says.
        private static void AssertClose(float[] expected, float[] actual) => Parity.AssertClose(expected, actual, "class");

        private readonly ClassifierFixture _fixture;
        private readonly ITestOutputHelper _output;

        public SequenceClassifierTests(ClassifierFixture fixture, ITestOutputHelper output)
        {
            _fixture = fixture;
            _output = output;
        }

        private MLContext ML => _fixture.ML;

        [Trait("Category", QualitySeed.Category)]
        [Fact]
        public void LearnsFrequencyClassesAndEvaluatesLikeABuiltInTrainer()
        {
            IDataView scored = _fixture.Model.Transform(_fixture.TestView);
            var metrics = ML.MulticlassClassification.Evaluate(scored);
            _output.WriteLine($"micro accuracy {metrics.MicroAccuracy:F4}, macro {metrics.MacroAccuracy:F4}, log-loss {metrics.LogLoss:F4}");
            Assert.True(metrics.MicroAccuracy > 0.9, $"accuracy {metrics.MicroAccuracy}");
            Assert.Equal(3, metrics.ConfusionMatrix.NumberOfClasses);

            // Score: one probability per class, named after the label's key values; PredictedLabel: the label's key type.
            Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 3), scored.Schema["Score"].Type);
            var slotNames = default(VBuffer<ReadOnlyMemory<char>>);
            scored.Schema["Score"].GetSlotNames(ref slotNames);
            Assert.Equal(ClassSequences.Names, slotNames.DenseValues().Select(n => n.ToString()).ToArray());
            Assert.Equal(new KeyDataViewType(typeof(uint), 3), scored.Schema["PredictedLabel"].Type);

            float[][] scores = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
            uint[] predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
            for (int i = 0; i < scores.Length; i++)
            {
                Assert.InRange(scores[i].Sum(), 1 - 1e-5f, 1 + 1e-5f);
                Assert.Equal((uint)Array.IndexOf(scores[i], scores[i].Max()) + 1, predicted[i]);
            }

            // MapKeyToValue turns PredictedLabel back into the class names.
            var named = ML.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel").Fit(scored).Transform(scored);
            string[] names = named.GetColumn<string>("PredictedName").ToArray();
            double agreement = names.Zip(_fixture.Test, (n, r) => n == r.Label ? 1.0 : 0.0).Average();
            Assert.Equal(metrics.MicroAccuracy, agreement, 6);
        }

        [Fact]
        public void EstimatorSchemaMatchesTheFittedModel()
        {
            var shape = _fixture.Pipeline.GetOutputSchema(SchemaShape.Create(_fixture.TrainView.Schema));
            Assert.True(shape.TryFindColumn("Score", out var score));
            Assert.Equal(SchemaShape.Column.VectorKind.Vector, score.Kind);
            Assert.Equal(NumberDataViewType.Single, score.ItemType);
            Assert.True(shape.TryFindColumn("PredictedLabel", out var predicted));
            Assert.True(predicted.IsKey);
            Assert.Contains(predicted.Annotations, a => a.Name == AnnotationUtils.Kinds.KeyValues);

            // The short overload checks the same columns.
            var keyed = SchemaShape.Create(_fixture.Model.Take(1).Single().GetOutputSchema(_fixture.TrainView.Schema));
            var shortOverload = ML.MulticlassClassification.Trainers.LstmSequenceClassifier("Label", nameof(ClassRow.Values), featuresPerStep: 1, encodingSize: 8);
            Assert.True(shortOverload.GetOutputSchema(keyed).TryFindColumn("PredictedLabel", out _));
            var wrongFeatures = ML.MulticlassClassification.Trainers.LstmSequenceClassifier("Label", "Other");
            Assert.Throws<ArgumentOutOfRangeException>(() => wrongFeatures.GetOutputSchema(keyed));

            var schema = _fixture.Model.GetOutputSchema(_fixture.TrainView.Schema);
            Assert.IsType<VectorDataViewType>(schema["Score"].Type);
            Assert.IsType<KeyDataViewType>(schema["PredictedLabel"].Type);
        }

        [Fact]
        public void PredictionEngineScoresLikeTheTransform()
        {
            var definition = SchemaDefinition.Create(typeof(ClassRow));
            definition[nameof(ClassRow.Values)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Steps);
            var engine = ML.Model.CreatePredictionEngine<ClassRow, ClassPrediction>(_fixture.Model, inputSchemaDefinition: definition);
            float[][] batch = _fixture.Model.Transform(_fixture.TestView).GetColumn<VBuffer<float>>("Score")
                .Select(v => v.DenseValues().ToArray()).ToArray();
            for (int i = 0; i < 20; i++)
                AssertClose(batch[i], engine.Predict(_fixture.Test[i]).Score);
        }

        [Fact]
        public void SavedModelScoresIdenticallyInAnotherProcess()
        {
            string dir = Directory.CreateTempSubdirectory("seqae-classifier-").FullName;
            try
            {
                // The classifier alone: a fresh process scores rows that carry only the sequence column.
                string modelPath = Path.Combine(dir, "classifier.zip");
                var classifier = _fixture.Model.LastTransformer;
                ML.Model.Save(classifier, _fixture.Model.Take(1).Single().GetOutputSchema(_fixture.TrainView.Schema), modelPath);
                var rows = _fixture.Test.Take(60).ToList();
                string rowsPath = Path.Combine(dir, "rows.bin");
                using (var w = new BinaryWriter(File.Create(rowsPath)))
                {
                    w.Write(rows.Count);
                    w.Write(Steps);
                    foreach (var r in rows)
                        foreach (float v in r.Values)
                            w.Write(v);
                }
                string outPath = Path.Combine(dir, "out.bin");
                TestHelperProcess.Run("score", modelPath, rowsPath, outPath, nameof(ClassRow.Values), "Score", "PredictedLabel");

                IDataView view = ClassSequences.Load(ML, rows, Steps);
                IDataView expected = _fixture.Model.Transform(view);
                float[][] scores = expected.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
                uint[] predicted = expected.GetColumn<uint>("PredictedLabel").ToArray();
                using (var r = new BinaryReader(File.OpenRead(outPath)))
                {
                    Assert.Equal(3, r.ReadInt32());
                    foreach (float[] row in scores)
                        AssertClose(row, new[] { r.ReadSingle(), r.ReadSingle(), r.ReadSingle() });
                    Assert.Equal(1, r.ReadInt32());
                    foreach (uint p in predicted)
                        Assert.Equal(p, (uint)r.ReadSingle());
                }

                // The whole chain, loaded in this process: Evaluate and MapKeyToValue work on it.
                string chainPath = Path.Combine(dir, "chain.zip");
                ML.Model.Save(_fixture.Model, _fixture.TrainView.Schema, chainPath);
                ITransformer loaded = ML.Model.Load(chainPath, out _);
                IDataView scored = loaded.Transform(view);
                float[][] reloaded = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
                Assert.Equal(scores.Length, reloaded.Length);
                for (int i = 0; i < scores.Length; i++)
                    AssertClose(scores[i], reloaded[i]);
                var metrics = ML.MulticlassClassification.Evaluate(scored);
                Assert.Equal(ML.MulticlassClassification.Evaluate(expected).MicroAccuracy, metrics.MicroAccuracy);
                var named = ML.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel").Fit(scored).Transform(scored);
                Assert.All(named.GetColumn<string>("PredictedName"), n => Assert.Contains(n, ClassSequences.Names));
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        [Fact]
        public void SameSeedGivesIdenticalScores()
        {
            var train = ClassSequences.Load(ML, _fixture.Train.Take(60), Steps);
            float[] Fit(int seed)
            {
                var model = ML.Transforms.Conversion.MapValueToKey(nameof(ClassRow.Label))
                    .Append(ML.MulticlassClassification.Trainers.LstmSequenceClassifier(ClassifierFixture.Options(epochs: 3, seed: seed)))
                    .Fit(train);
                using var parameters = model.LastTransformer.Model;
                return model.Transform(_fixture.TestView).GetColumn<VBuffer<float>>("Score").SelectMany(v => v.DenseValues()).ToArray();
            }
            float[] first = Fit(7);
            Assert.Equal(first, Fit(7));
            Assert.NotEqual(first, Fit(8));
        }

        [Trait("Category", QualitySeed.Category)]
        [Fact]
        public void VariableLengthRowsTrainAndScore()
        {
            var train = ClassSequences.GenerateRagged(160, seed: 3, minSteps: 10, maxSteps: 30);
            var test = ClassSequences.GenerateRagged(100, seed: 4, minSteps: 10, maxSteps: 30);
            IDataView trainView = ClassSequences.Load(ML, train, 0);
            IDataView testView = ClassSequences.Load(ML, test, 0);
            Assert.Equal(0, ((VectorDataViewType)trainView.Schema[nameof(ClassRow.Values)].Type).Size);
            var pipeline = ML.Transforms.Conversion.MapValueToKey(nameof(ClassRow.Label))
                .Append(ML.MulticlassClassification.Trainers.LstmSequenceClassifier(ClassifierFixture.Options()));
            Assert.True(pipeline.GetOutputSchema(SchemaShape.Create(trainView.Schema)).TryFindColumn("Score", out _));
            var model = pipeline.Fit(trainView);
            using var parameters = model.LastTransformer.Model;
            Assert.Equal(0, parameters.InputSize);

            IDataView scored = model.Transform(testView);
            var metrics = ML.MulticlassClassification.Evaluate(scored);
            _output.WriteLine($"ragged rows: micro accuracy {metrics.MicroAccuracy:F4}");
            Assert.True(metrics.MicroAccuracy > 0.85, $"accuracy {metrics.MicroAccuracy}");

            var engine = ML.Model.CreatePredictionEngine<ClassRow, ClassPrediction>(model, testView.Schema);
            float[][] batch = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
            for (int i = 0; i < 10; i++)
                AssertClose(batch[i], engine.Predict(test[i]).Score);
        }
    }
}
