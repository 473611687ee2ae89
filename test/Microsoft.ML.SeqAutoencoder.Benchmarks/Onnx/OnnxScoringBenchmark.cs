using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Harness;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Quality;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Speed;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Onnx
{
    /// <summary>
    /// Scoring the encoding column with the ML.NET model (<c>Transform</c> + a cursor, ScoringBatchSize = the batch) against
    /// the same model exported with <c>ConvertToOnnx</c> and run by ONNX Runtime (one <c>Run</c> per batch of rows), on the
    /// three shapes of <c>speed</c> at batch 1, 64 and 256: rows per second, in one process, after an untimed batch.
    /// </summary>
    internal sealed class OnnxScoringBenchmark : IBenchmark
    {
        public string Name => "onnx";

        public string Description => "ONNX Runtime on the exported encoder vs Transform: rows/s at batch 1/64/256 on shapes a, b, c";

        public string Usage => string.Join(Environment.NewLine,
            "onnx [--seconds S] [--shapes a,b,c]",
            "  --seconds S   seconds per figure (default 2)",
            "  --shapes L    shapes (default a,b,c)");

        public int Run(BenchmarkArguments arguments)
        {
            double seconds = arguments.Double("seconds", 2);
            string[] shapes = (arguments.String("shapes", null) ?? "a,b,c").Split(',');
            arguments.ThrowOnUnknown();
            Console.WriteLine(BenchmarkEnvironment.Describe());
            var report = new StringBuilder();
            report.AppendLine("| shape | batch | Transform rows/s | ONNX Runtime rows/s | ONNX / Transform | max abs difference |");
            report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (string name in shapes)
            {
                BenchmarkShape shape = BenchmarkShape.Find(name);
                float[][] pool = shape.RandomRows(2, 1024);
                var ml = new MLContext(seed: 1);
                IDataView training = RowSource.Load(ml, shape, pool.Take(256));
                foreach (int batch in new[] { 1, 64, 256 })
                {
                    using var encoder = ml.Transforms.EncodeSequences(new SequenceEncodingOptions
                    {
                        InputColumnName = nameof(RowSource.Row.Features),
                        FeaturesPerStep = shape.Features,
                        HiddenSizes = new[] { shape.Hidden },
                        EncodingSize = shape.Hidden,
                        Epochs = 1,
                        ValidationFraction = 0,
                        ScoringBatchSize = batch,
                        Seed = 1,
                    }).Fit(training);
                    var stream = new MemoryStream();
                    ml.Model.ConvertToOnnx(encoder, RowSource.Load(ml, shape, Array.Empty<float[]>()), stream, "Encoding");
                    using var session = new InferenceSession(stream.ToArray());

                    IDataView endless = RowSource.Load(ml, shape, RowSource.Cycle(pool, long.MaxValue));
                    double transform = TransformRows(encoder.Transform(endless), batch, seconds);
                    var (onnx, difference) = OnnxRows(session, encoder, ml, shape, pool, batch, seconds);
                    string line = $"| {shape.Name} | {batch} | {transform:F0} | {onnx:F0} | {onnx / transform:F2} | {difference:G2} |";
                    Console.WriteLine(line);
                    report.AppendLine(line);
                }
            }
            string path = Path.Combine(BenchmarkEnvironment.OutputFolder(), $"onnx-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.md");
            File.WriteAllText(path, BenchmarkEnvironment.Describe() + Environment.NewLine + Environment.NewLine + report);
            Console.WriteLine($"Wrote {path}");
            return 0;
        }

        private static double TransformRows(IDataView scored, int batch, double seconds)
        {
            var (rows, elapsed) = SpeedChild.CursorRows<VBuffer<float>>(scored, "Encoding", batch, seconds);
            return rows / elapsed;
        }

        private static (double RowsPerSecond, double MaxDifference) OnnxRows(InferenceSession session, ITransformer encoder, MLContext ml,
            BenchmarkShape shape, float[][] pool, int batch, double seconds)
        {
            int width = pool[0].Length;
            var batches = Enumerable.Range(0, pool.Length / batch).Select(b =>
                new DenseTensor<float>(pool.Skip(b * batch).Take(batch).SelectMany(r => r).ToArray(), new[] { batch, width })).ToArray();
            string input = nameof(RowSource.Row.Features);
            float[] Run(DenseTensor<float> rows)
            {
                using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(input, rows) }, new[] { "Encoding.output" });
                return results.First().AsTensor<float>().ToArray();
            }

            // The first batch against Transform, then the timed loop.
            float[] first = Run(batches[0]);
            float[][] expected = encoder.Transform(RowSource.Load(ml, shape, pool.Take(batch))).GetColumn<float[]>("Encoding").ToArray();
            int size = expected[0].Length;
            double difference = 0;
            for (int r = 0; r < batch; r++)
                for (int i = 0; i < size; i++)
                    difference = Math.Max(difference, Math.Abs(expected[r][i] - first[r * size + i]));
            long rows = 0;
            long start = Stopwatch.GetTimestamp();
            for (int k = 0; Stopwatch.GetElapsedTime(start).TotalSeconds < seconds || rows < 4 * batch; k++)
            {
                Run(batches[k % batches.Length]);
                rows += batch;
            }
            return (rows / Stopwatch.GetElapsedTime(start).TotalSeconds, difference);
        }
    }
}
