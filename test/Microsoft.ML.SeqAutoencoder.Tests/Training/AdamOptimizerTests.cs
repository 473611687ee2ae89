using System;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Tests.Training
{
    /// <summary>
    /// The library's Adam: the same updates as TorchSharp's <c>optim.Adam</c>, and safe while the garbage collector runs
    /// finalizers (TorchSharp 0.107 frees implicitly converted Scalars there, possibly during the native call using them).
    /// </summary>
    public sealed class AdamOptimizerTests
    {
        private const int Layers = 6;

        private static Sequential Network(long seed)
        {
            using var _ = NewDisposeScope();
            manual_seed(seed);
            var layers = Enumerable.Range(0, Layers).Select(i => ($"l{i}", (nn.Module<Tensor, Tensor>)nn.Linear(8, 8))).ToArray();
            return nn.Sequential(layers);
        }

        private static void Train(Sequential network, Action zeroGrad, Action step, int steps, bool freezeFirstLayerEarly)
        {
            var generator = new Generator(3, CPU);
            for (int s = 0; s < steps; s++)
            {
                using var scope = NewDisposeScope();
                // A parameter that takes no gradient for a while: its steps are not counted (TorchSharp counts per parameter).
                var first = network.parameters().First();
                first.requires_grad_(!freezeFirstLayerEarly || s >= 5);
                using var x = randn(16, 8, generator: generator);
                zeroGrad();
                using Scalar two = 2; // explicit, as the library does (ExplicitScalars)
                network.forward(x).pow(two).mean().backward();
                step();
            }
        }

        private static float[] Weights(Sequential network)
            => network.parameters().SelectMany(p => p.detach().contiguous().data<float>().ToArray()).ToArray();

        /// <summary>Runs <paramref name="action"/> while another thread forces collections and runs finalizers.</summary>
        private static void WhileCollecting(Action action)
        {
            bool stop = false;
            int collections = 0;
            var collector = new Thread(() =>
            {
                while (!Volatile.Read(ref stop))
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    collections++;
                }
            });
            collector.Start();
            try
            {
                action();
            }
            finally
            {
                Volatile.Write(ref stop, true);
                collector.Join();
            }
            Assert.True(collections > 10, $"only {collections} collections ran beside the work");
        }

        [Fact]
        public void UpdatesAreIdenticalToTorchSharpsAdam()
        {
            using var ours = Network(7);
            using var theirs = Network(7);
            Assert.Equal(Weights(theirs), Weights(ours));
            using var adam = new AdamOptimizer(ours.parameters(), 0.01);
            using var reference = optim.Adam(theirs.parameters(), 0.01);
            Train(ours, adam.ZeroGrad, adam.Step, 40, freezeFirstLayerEarly: true);
            Train(theirs, () => reference.zero_grad(), () => reference.step(), 40, freezeFirstLayerEarly: true);
            float[] expected = Weights(theirs), actual = Weights(ours);
            Assert.Equal(expected, actual);
            Assert.NotEqual(Weights(Network(7)), actual);
        }

        [Fact]
        public void StepsAreExactWhileTheCollectorRunsFinalizers()
        {
            // Reference: 10,000 steps on a quiet runtime (enough for TorchSharp's optim.Adam to fail here in most runs).
            const int steps = 10_000;
            using var quiet = Network(9);
            using (var adam = new AdamOptimizer(quiet.parameters(), 0.001))
                Train(quiet, adam.ZeroGrad, adam.Step, steps, freezeFirstLayerEarly: false);

            // The same steps while another thread forces collections and finalizers. With TorchSharp's optim.Adam (implicit
            // Scalars) this fails in most runs: "Expected false to be true" from Scalar.toFloat, or other coefficients.
            using var busy = Network(9);
            WhileCollecting(() =>
            {
                using var adam = new AdamOptimizer(busy.parameters(), 0.001);
                Train(busy, adam.ZeroGrad, adam.Step, steps, freezeFirstLayerEarly: false);
            });
            Assert.Equal(Weights(quiet), Weights(busy));
        }

        [Fact]
        public void ATrainingWithDropoutAndTeacherStepsIsIdenticalWhileTheCollectorRunsFinalizers()
        {
            // The library's own Scalars (dropout, teacher-step dropout, masked squared error, additions) on the training path.
            var (train, _) = TestData.SyntheticSequences.SineMixtures(64, 12, seed: 4);
            var architecture = TestData.TinyAutoencoders.Architecture(hidden: new[] { 8, 6 }, encodingSize: 4, dropout: 0.3f, conditional: true);
            var settings = TestData.TinyAutoencoders.Settings(epochs: 4, batchSize: 8, validation: 0.25, seed: 2);
            using var quiet = TestData.TinyAutoencoders.Train(architecture, settings, train);
            SequenceAutoencoderModel busy = null;
            WhileCollecting(() => busy = TestData.TinyAutoencoders.Train(architecture, settings, train));
            using (busy)
                Assert.True(TestData.TinyAutoencoders.SameWeights(quiet, busy), "a training beside forced collections gave other weights");
        }
    }
}
