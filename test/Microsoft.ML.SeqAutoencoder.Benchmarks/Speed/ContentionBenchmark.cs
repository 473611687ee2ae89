using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Harness;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Speed
{
    /// <summary>
    /// libgomp's waiting threads under load: training steps and scoring throughput of the three shapes with
    /// OMP_WAIT_POLICY unset (libgomp spins, then sleeps), PASSIVE (sleeps at once) and a short spin (GOMP_SPINCOUNT=10000
    /// instead of libgomp's 300000), on a quiet machine and beside one
    /// other CPU-bound process (a shell busy loop, as a busy server has), each in a fresh process (the policy is read
    /// when libgomp loads). The figures decided the library's default (Native/OpenMpWaitPolicy: libgomp's own).
    /// </summary>
    internal sealed class ContentionBenchmark : IBenchmark
    {
        private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(20);

        public string Name => "contention";

        public string Description => "training and scoring with OMP_WAIT_POLICY unset vs PASSIVE, quiet and beside a CPU-bound process";

        public string Usage => string.Join(Environment.NewLine,
            "contention [--shapes a,b,c] [--steps 10] [--seconds 2]",
            "  --shapes ...   shapes (Harness/BenchmarkShape)",
            "  --steps N      timed training steps per run (after 3 warm-up steps); the median is reported",
            "  --seconds S    seconds of each scoring measurement");

        public int Run(BenchmarkArguments arguments)
        {
            string[] shapes = arguments.String("shapes", "a,b,c").Split(',');
            int steps = arguments.Int("steps", 10, 1);
            double seconds = arguments.Double("seconds", 2);
            arguments.ThrowOnUnknown();

            var report = new MarkdownReport(Name, $"contention --shapes {string.Join(",", shapes)} --steps {steps} --seconds {seconds.ToString(CultureInfo.InvariantCulture)}");
            report.Add("| shape | load | OMP_WAIT_POLICY | training step ms (median) | Transform rows/s (batch 256) | PredictionEngine rows/s |");
            report.Add("| --- | --- | --- | ---: | ---: | ---: |");
            foreach (string shape in shapes)
            {
                foreach (bool contended in new[] { false, true })
                {
                    foreach (string policy in new[] { null, "PASSIVE", "spin 10000" })
                    {
                        using var contender = contended ? StartBusyLoop() : null;
                        var variables = new Dictionary<string, string>();
                        if (policy == "spin 10000")
                            variables["GOMP_SPINCOUNT"] = "10000";
                        else if (policy != null)
                            variables["OMP_WAIT_POLICY"] = policy;
                        string[] remove = { "OMP_WAIT_POLICY", "OMP_NUM_THREADS", "GOMP_SPINCOUNT" };
                        var training = JsonSerializer.Deserialize<SpeedChildResult>(ChildProcess.Run(
                            new[] { "speed", "--child", "library", "--shape", shape, "--warmup", "3", "--steps", steps.ToString(CultureInfo.InvariantCulture), "--seed", "1" },
                            remove, variables, ChildTimeout));
                        var scoring = JsonSerializer.Deserialize<SpeedChildResult>(ChildProcess.Run(
                            new[] { "speed", "--child", "score", "--shape", shape, "--seconds", seconds.ToString(CultureInfo.InvariantCulture), "--seed", "1" },
                            remove, variables, ChildTimeout));
                        double step = Statistics.MedianOf(training.StepMilliseconds);
                        double transform = scoring.Scoring.Where(r => r.What == "encode" && r.Path.StartsWith("Transform", StringComparison.Ordinal) && r.Batch == 256).Select(r => r.RowsPerSecond).DefaultIfEmpty(double.NaN).Max();
                        double engine = scoring.Scoring.Where(r => r.What == "encode" && r.Path.Contains("PredictionEngine", StringComparison.Ordinal)).Select(r => r.RowsPerSecond).DefaultIfEmpty(double.NaN).Max();
                        string line = $"| {shape} | {(contended ? "1 busy process" : "quiet")} | {(policy == "spin 10000" ? "unset, GOMP_SPINCOUNT=10000" : policy ?? "unset")} | {step:F1} | {transform:N0} | {engine:N0} |";
                        report.Measured(line);
                    }
                }
            }
            report.Finish();
            return 0;
        }

        private static BusyLoop StartBusyLoop() => new BusyLoop(Process.Start(new ProcessStartInfo("sh", new[] { "-c", "while :; do :; done" })));

        private sealed class BusyLoop : IDisposable
        {
            private readonly Process _process;

            public BusyLoop(Process process) => _process = process;

            public void Dispose()
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
                _process.Dispose();
            }
        }
    }
}
