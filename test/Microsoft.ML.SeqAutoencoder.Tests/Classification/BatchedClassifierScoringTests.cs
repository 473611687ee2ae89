using System;
using System.Linq;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Classification
{
    /// <summary>Transform of the classifier scores a batch of rows per forward pass, with the values of row-by-row scoring.</summary>
    public sealed class BatchedClassifierScoringTests : IClassFixture<ClassifierFixture>
    {
        private readonly ClassifierFixture _fixture;

        public BatchedClassifierScoringTests(ClassifierFixture fixture)
        {
            _fixture = fixture;
        }

        [Fact]
        public void TransformRunsOneForwardPassPerBatchAndPredictsTheLargestProbability()
        {
            var parameters = _fixture.Model.LastTransformer.Model;
            IDataView scored = _fixture.Model.Transform(_fixture.TestView);
            int rows = _fixture.Test.Count;
            long before = parameters.ForwardPasses;
            float[][] scores = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
            Assert.Equal(before + (rows + 255) / 256, parameters.ForwardPasses);
            Assert.Equal(rows, scores.Length);

            // PredictedLabel (a key: 1 + the index of the largest probability) comes from the same pass; the Score column keeps
            // the label names as slot names.
            // A second pass over the view is served from its kept scores.
            before = parameters.ForwardPasses;
            uint[] predicted = scored.GetColumn<uint>("PredictedLabel").ToArray();
            Assert.Equal(before, parameters.ForwardPasses);
            for (int i = 0; i < rows; i++)
                Assert.Equal((uint)(Array.IndexOf(scores[i], scores[i].Max()) + 1), predicted[i]);
            VBuffer<ReadOnlyMemory<char>> names = default;
            scored.Schema["Score"].GetSlotNames(ref names);
            Assert.Equal(ClassSequences.Names.OrderBy(n => n), names.DenseValues().Select(n => n.ToString()).OrderBy(n => n));

            // One row per pass (a shuffled cursor is served row by row) gives the same values.
            float[] probabilities = parameters.Probabilities(Microsoft.ML.SeqAutoencoder.Torch.SequenceSet.From(new[] { _fixture.Test[0].Values }, parameters.FeaturesPerStep))[0];
            for (int c = 0; c < probabilities.Length; c++)
                Assert.True(Math.Abs(probabilities[c] - scores[0][c]) <= 1e-6f, $"class {c}: {probabilities[c]} vs {scores[0][c]}");
        }
    }
}
