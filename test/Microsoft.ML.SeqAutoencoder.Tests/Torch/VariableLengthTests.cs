using System;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Microsoft.ML.SeqAutoencoder.Training;
using Microsoft.ML.SeqAutoencoder.Torch;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Torch
{
    /// <summary>Sequences of different lengths train and score without padding bias.</summary>
    public sealed class VariableLengthTests
    {
        [Theory]
        [InlineData(false, false)]
        [InlineData(true, true)]
        public void OutputsOfASequenceDoNotDependOnTheOthersInItsBatch(bool reverse, bool conditional)
        {
            var random = new Random(31);
            var set = new SequenceSet(2);
            for (int i = 0; i < 60; i++)
            {
                int steps = 5 + random.Next(20);
                set.Add(Enumerable.Range(0, steps * 2).Select(k => (float)Math.Sin(0.3 * k + i)).ToArray());
            }
            using var model = TinyAutoencoders.Train(
                TinyAutoencoders.Architecture(SequenceAutoencoderMode.Composite, features: 2, hidden: new[] { 12 }, encodingSize: 6,
                    predictionLength: 3, reverse: reverse, conditional: conditional),
                TinyAutoencoders.Settings(epochs: 2, batchSize: 8),
                set, SequenceSet.From(Enumerable.Range(0, 60).Select(_ => new float[6]), 2));

            var rows = TinyAutoencoders.WithTargets(set, SequenceSet.From(Enumerable.Range(0, 60).Select(_ => new float[6]), 2));
            var kinds = SequenceOutputKinds.Reconstruction | SequenceOutputKinds.Forecast;
            var batched = model.Run(rows, 64, kinds);
            for (int i = 0; i < set.Count; i += 7)
            {
                var alone = model.Run(rows, 1, kinds, new[] { i })[0];
                Assert.Equal(set.Length(i) * 2, alone.Reconstruction.Length);
                AssertClose(alone.Code, batched[i].Code);
                AssertClose(alone.Reconstruction, batched[i].Reconstruction);
                AssertClose(alone.Forecast, batched[i].Forecast);
            }
        }

        private static void AssertClose(float[] expected, float[] actual) => Parity.AssertClose(expected, actual, "index");
    }
}
