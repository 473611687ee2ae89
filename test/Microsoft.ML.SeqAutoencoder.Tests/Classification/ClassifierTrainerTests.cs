using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Classification;
using Microsoft.ML.SeqAutoencoder.Persistence;
using Microsoft.ML.SeqAutoencoder.Training;
using Microsoft.ML.SeqAutoencoder.Torch;
using TorchSharp;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Classification
{
    /// <summary>The torch-level classifier: tensor lifetimes and the persistence format.</summary>
    public sealed class ClassifierTrainerTests
    {
        private static (SequenceSet Inputs, int[] Labels) Ragged(int count, int seed)
        {
            // Sequences of different lengths exercise the masked and gathered paths; the label is the length's parity.
            var set = new SequenceSet(2);
            var labels = new int[count];
            var random = new Random(seed);
            for (int i = 0; i < count; i++)
            {
                int steps = 6 + i % 7;
                set.Add(Enumerable.Range(0, 2 * steps).Select(_ => (float)random.NextDouble()).ToArray());
                labels[i] = steps % 2;
            }
            return (set, labels);
        }

        private static ClassifierArchitecture Architecture() => new ClassifierArchitecture(new EncoderShape(2, new[] { 8 }, 4, Dropout: 0.1f), 2);

        [Fact]
        public void NoTensorOutlivesItsBatch()
        {
            var (set, labels) = Ragged(80, seed: 3);
            var live = new List<long>();
            var settings = new TrainingSettings(Epochs: 6, BatchSize: 16, GradientClipNorm: 1, ValidationFraction: 0.2, EarlyStoppingPatience: 0, Seed: 1);
            using var model = new ClassifierTrainer(Architecture(), settings, headLearningRate: 0.01, encoderLearningRate: 0.01, freezeEncoderEpochs: 2)
                .Train(set, labels, null, _ => live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount));

            // The head's optimizer state appears in epoch 1, the encoder's in epoch 3 (the first unfrozen one);
            // otherwise the count of live tensors is flat.
            Assert.Equal(6, live.Count);
            Assert.Equal(live[0], live[1]);
            Assert.All(live.Skip(3), count => Assert.Equal(live[2], count));
        }

        [Fact]
        public void DamagedStreamsGiveTheDecodeException()
        {
            var (set, labels) = Ragged(16, seed: 4);
            var settings = new TrainingSettings(1, 8, 1, 0, 0, Seed: 1);
            using var model = new ClassifierTrainer(Architecture(), settings, 0.01, 0.01, 0).Train(set, labels);
            var stream = new MemoryStream();
            ClassifierModelFormat.Write(stream, model);
            byte[] bytes = stream.ToArray();

            using (var copy = ClassifierModelFormat.Read(new MemoryStream(bytes)))
                Assert.Equal(model.Probabilities(set, 4), copy.Probabilities(set, 4));

            void AssertInvalid(byte[] data, string expected)
            {
                var e = Assert.Throws<FormatException>(() => ClassifierModelFormat.Read(new MemoryStream(data)));
                Assert.Contains(expected, e.Message);
            }

            AssertInvalid(bytes[..10], "truncated");
            AssertInvalid(bytes[..^100], "truncated");
            AssertInvalid(Enumerable.Repeat((byte)0x42, 64).ToArray(), "signature");
            byte[] badClasses = (byte[])bytes.Clone();
            BitConverter.GetBytes(1).CopyTo(badClasses, 24); // class count
            AssertInvalid(badClasses, "at least two classes");
            byte[] badWeights = (byte[])bytes.Clone();
            for (int i = bytes.Length - 200; i < bytes.Length - 150; i++)
                badWeights[i] ^= 0xFF;
            AssertInvalid(badWeights, "checksum");
        }
    }
}
