using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Harness;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Speed
{
    /// <summary>
    /// The baseline of the speed benchmark: the same LSTM autoencoder and training loop as the library's, written
    /// directly against TorchSharp with nothing of the library or ML.NET in between (and nothing the library adds:
    /// no variable lengths, no validation, no best-weights snapshots). It is also a line-by-line twin of the PyTorch
    /// reference <c>reference/lstm_autoencoder.py</c>.
    /// </summary>
    internal static class RawTorchSharpLoop
    {
        /// <summary>
        /// Trains <paramref name="steps"/> batches of <paramref name="shape"/> on <paramref name="data"/>
        /// (<see cref="BenchmarkShape.Sequences"/> sequences, step-major) and times every step.
        /// </summary>
        public static TrainingRun Train(BenchmarkShape shape, float[] data, int steps, int seed)
        {
            var total = Stopwatch.StartNew();
            int t = shape.Steps, f = shape.Features, h = shape.Hidden, b = shape.BatchSize;
            using var all = tensor(data, new long[] { shape.Sequences, t, f });
            using var mean = all.mean(new long[] { 0, 1 });
            using var std = all.std(new long[] { 0, 1 });

            using var generator = new Generator((ulong)seed, CPU);
            using var encoder = nn.LSTM(f, h, batchFirst: true);
            using var decoder = nn.LSTM(h, h, batchFirst: true);
            using var output = nn.Linear(h, f);
            Parameter[] parameters = encoder.parameters().Concat(decoder.parameters()).Concat(output.parameters()).ToArray();
            using (no_grad())
            {
                // PyTorch's default LSTM/Linear initialization, U(-1/sqrt(fan), 1/sqrt(fan)), from a seeded generator.
                foreach (Parameter p in encoder.parameters().Concat(decoder.parameters()))
                    p.uniform_(-1 / Math.Sqrt(h), 1 / Math.Sqrt(h), generator);
                foreach (Parameter p in output.parameters())
                    p.uniform_(-1 / Math.Sqrt(h), 1 / Math.Sqrt(h), generator);
            }
            using var optimizer = optim.Adam(parameters, 1e-3);

            var random = new Random(seed);
            var timer = new StepTimer();
            var losses = new List<float>();
            int[] order = Enumerable.Range(0, shape.Sequences).ToArray();
            while (timer.Milliseconds.Count < steps)
            {
                random.Shuffle(order);
                for (int i = 0; i < BenchmarkShape.BatchesPerEpoch && timer.Milliseconds.Count < steps; i++)
                {
                    timer.Start();
                    using var scope = NewDisposeScope();
                    using var index = tensor(order.AsSpan(i * b, b).ToArray().Select(v => (long)v).ToArray());
                    Tensor batch = all.index_select(0, index);
                    Tensor z = batch.sub(mean).div_(std);
                    (Tensor encoded, _, _) = encoder.call(z);
                    Tensor code = encoded[.., ^1];
                    Tensor repeated = code.unsqueeze(1).expand(b, t, h);
                    (Tensor decoded, _, _) = decoder.call(repeated);
                    Tensor rebuilt = output.call(decoded);
                    Tensor loss = rebuilt.sub(z.flip(1)).pow_(2).mean();
                    optimizer.zero_grad();
                    loss.backward();
                    nn.utils.clip_grad_norm_(parameters, 1.0);
                    optimizer.step();
                    losses.Add(loss.item<float>());
                    timer.Stop();
                }
            }
            return new TrainingRun(timer.Milliseconds.ToArray(), total.Elapsed.TotalMilliseconds, losses[^1]);
        }
    }
}
