using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SeqAutoencoder.Tests.MLNet
{
    /// <summary>
    /// One fitted transformer shared by many threads, as in a server: 8 threads of <c>PredictionEngine</c>s and
    /// <c>Transform</c> cursors give the single-threaded results with native memory flat, and disposing the transformer
    /// while they score ends their work with <see cref="ObjectDisposedException"/>, never a native use-after-free.
    /// </summary>
    [Collection(nameof(ConcurrencyTests))] // measures this process's memory: no other test of the class runs beside it
    public sealed class ConcurrencyTests
    {
        private const int Threads = 8;
        private const int Predictions = 20_000;

        private readonly MLContext _ml = new MLContext(seed: 1);
        private readonly ITestOutputHelper _output;

        public ConcurrencyTests(ITestOutputHelper output) => _output = output;

        private sealed class Row
        {
            [VectorType(24)]
            public float[] Values { get; set; }
        }

        private sealed class Encoded
        {
            public float[] Encoding { get; set; }

            public float Error { get; set; }
        }

        private static Row[] Rows(int count)
            => Enumerable.Range(0, count).Select(i => new Row
            {
                Values = Enumerable.Range(0, 24).Select(t => MathF.Sin(0.4f * t + 0.37f * i) + 0.1f * (i % 5)).ToArray(),
            }).ToArray();

        private ITransformer LoadEncoder() => _ml.Model.Load(ModelFiles.PathOf("encoder.zip"), out _);

        private static float[] Flatten(Encoded e) => e.Encoding.Append(e.Error).ToArray();

        private float[][] TransformAll(ITransformer model, IDataView data)
        {
            var scored = model.Transform(data);
            return scored.GetColumn<float[]>("Encoding").Zip(scored.GetColumn<float>("Error"), (c, e) => c.Append(e).ToArray()).ToArray();
        }

        private static long ResidentBytes()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            return process.WorkingSet64;
        }

        [Fact]
        public void EightThreadsOfPredictionEnginesAndCursorsGiveTheSingleThreadedResults()
        {
            Row[] rows = Rows(64);
            IDataView data = _ml.Data.LoadFromEnumerable(rows);
            long liveBefore = NetworkLifetime.Live;
            var model = LoadEncoder();
            try
            {
                // Single-threaded references: one PredictionEngine row by row, one Transform pass (batched).
                var engine = _ml.Model.CreatePredictionEngine<Row, Encoded>(model);
                float[][] byEngine = rows.Select(r => Flatten(engine.Predict(r))).ToArray();
                float[][] byTransform = TransformAll(model, data);

                // Warm-up round before the memory baseline: every thread's first use allocates libtorch's per-thread state.
                void Round(int perThread, ConcurrentBag<string> mismatches)
                {
                    Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
                    {
                        if (t % 2 == 0)
                        {
                            var own = _ml.Model.CreatePredictionEngine<Row, Encoded>(model);
                            for (int i = 0; i < perThread; i++)
                            {
                                int r = (i * 7 + t) % rows.Length;
                                if (!Flatten(own.Predict(rows[r])).SequenceEqual(byEngine[r]))
                                    mismatches.Add($"thread {t}, PredictionEngine row {r}");
                            }
                        }
                        else
                        {
                            for (int done = 0; done < perThread; done += rows.Length)
                            {
                                float[][] all = TransformAll(model, data);
                                for (int r = 0; r < rows.Length; r++)
                                {
                                    if (!all[r].SequenceEqual(byTransform[r]))
                                        mismatches.Add($"thread {t}, Transform row {r}");
                                }
                            }
                        }
                    });
                }

                var warmUp = new ConcurrentBag<string>();
                Round(rows.Length, warmUp);
                long before = ResidentBytes();
                var mismatches = new ConcurrentBag<string>();
                var watch = Stopwatch.StartNew();
                Round(Predictions / Threads, mismatches);
                long growth = ResidentBytes() - before;
                _output.WriteLine($"{Predictions} predictions on {Threads} threads in {watch.Elapsed.TotalSeconds:F1} s; resident memory {before >> 20} MiB before, {growth >> 20} MiB growth");

                Assert.Empty(warmUp.Concat(mismatches).Take(10));
                Assert.True(growth < 64L << 20, $"resident memory grew by {growth >> 20} MiB over {Predictions} predictions");
            }
            finally
            {
                (model as IDisposable)?.Dispose();
            }
            Assert.Equal(liveBefore, NetworkLifetime.Live);
        }

        [Fact]
        public async Task DisposingWhileOtherThreadsScoreEndsTheirWorkWithObjectDisposed()
        {
            Row[] rows = Rows(32);
            IDataView data = _ml.Data.LoadFromEnumerable(rows);
            long liveBefore = NetworkLifetime.Live;
            for (int attempt = 0; attempt < 5; attempt++)
            {
                var model = LoadEncoder();
                var started = new CountdownEvent(Threads);
                var unexpected = new ConcurrentBag<Exception>();
                int completed = 0, refused = 0;
                var workers = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
                {
                    PredictionEngine<Row, Encoded> engine = null;
                    bool signalled = false;
                    try
                    {
                        if (t % 2 == 0)
                            engine = _ml.Model.CreatePredictionEngine<Row, Encoded>(model);
                        for (int i = 0; ; i++)
                        {
                            if (engine is not null)
                                engine.Predict(rows[i % rows.Length]);
                            else
                                TransformAll(model, data);
                            Interlocked.Increment(ref completed);
                            if (!signalled)
                            {
                                signalled = true;
                                started.Signal();
                            }
                        }
                    }
                    catch (Exception e) when (Holds<ObjectDisposedException>(e))
                    {
                        Interlocked.Increment(ref refused);
                    }
                    catch (Exception e)
                    {
                        unexpected.Add(e);
                    }
                    finally
                    {
                        if (!signalled)
                            started.Signal();
                    }
                }, TaskCreationOptions.LongRunning)).ToArray();

                Assert.True(started.Wait(TimeSpan.FromSeconds(60)), "the scoring threads did not start");
                (model as IDisposable).Dispose();
                await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(60)); // TimeoutException: a thread did not stop after Dispose
                Assert.Empty(unexpected);
                Assert.Equal(Threads, refused);
                _output.WriteLine($"attempt {attempt}: {completed} calls before Dispose; {refused} threads refused after it");
                Assert.Equal(liveBefore, NetworkLifetime.Live); // released once the last forward pass in flight ended
            }
        }

        private static bool Holds<T>(Exception e)
        {
            for (; e is not null; e = e.InnerException)
            {
                if (e is T)
                    return true;
            }
            return false;
        }

        [Theory]
        [MemberData(nameof(ModelFiles.Stages), MemberType = typeof(ModelFiles))]
        public void SaveAfterDisposeThrowsObjectDisposed(string file)
        {
            long liveBefore = NetworkLifetime.Live;
            var model = _ml.Model.Load(ModelFiles.PathOf(file), out var schema);
            Assert.IsAssignableFrom<IDisposable>(model);
            (model as IDisposable).Dispose();
            Assert.Equal(liveBefore, NetworkLifetime.Live);
            var e = Assert.ThrowsAny<Exception>(() => _ml.Model.Save(model, schema, new MemoryStream()));
            Assert.True(Holds<ObjectDisposedException>(e), e.ToString());
        }
    }
}
