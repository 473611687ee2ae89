using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Harness;
using Microsoft.ML.SeqAutoencoder.Native;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Allocator
{
    /// <summary>
    /// Training-step time and memory under different glibc malloc settings. Every (setting, shape, round) runs
    /// in a fresh child process, because malloc settings and peak RSS belong to the whole process; rounds
    /// rotate the order of the settings so that a burst of load from elsewhere does not hit one setting only.
    /// </summary>
    internal sealed class AllocatorBenchmark : IBenchmark
    {
        private static readonly TimeSpan _childTimeout = TimeSpan.FromMinutes(10);
        private static readonly TimeSpan _quietWait = TimeSpan.FromMinutes(5);

        public string Name => "allocator";

        public string Description => "LSTM autoencoder training step under glibc malloc settings (ms/step, peak and end RSS)";

        public string Usage => string.Join(Environment.NewLine, new[]
        {
            "allocator [options]",
            "  --quick             short smoke run: settings default,library; 1 round, 4 warm-up and 4 timed steps",
            "  --shapes LIST       comma-separated shapes (default a,b,c): "
                + string.Join("; ", BenchmarkShape.All.Select(s => $"{s.Name}: {s.Label}")),
            "  --settings LIST     comma-separated settings, or 'all' (default " + AllocatorSetting.DefaultSelection + "); known:",
            string.Join(Environment.NewLine, AllocatorSetting.All.Select(s => $"                        {s.Name,-14} {s.Description}")),
            "  --rounds N          child processes per setting and shape (default 3)",
            "  --warmup N          untimed steps per child (default 4)",
            "  --steps N           timed steps per child (default 12)",
            "  --seed N            data and weight seed (default 1)",
            "  --max-other-cpu X   cores other processes may use: before each child wait (up to 5 min) until they use at most X,",
            "                      and run a child again when they used more during its timed steps (default 0.25; 0: no checks)",
            "  --retries N         runs again per child when the machine was busy (default 5); a child still busy then is left out",
            "  --out DIR           where the CSV and markdown files go (default artifacts/benchmarks/)",
        });

        public int Run(BenchmarkArguments arguments)
        {
            if (arguments.Flag("child"))
                return RunChild(arguments);

            bool quick = arguments.Flag("quick");
            var shapes = arguments.String("shapes", "a,b,c").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(BenchmarkShape.Find).ToArray();
            string settingList = arguments.String("settings", quick ? "default,library" : AllocatorSetting.DefaultSelection);
            var settings = (settingList == "all" ? AllocatorSetting.All : settingList
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(AllocatorSetting.Find)).ToArray();
            int rounds = arguments.Int("rounds", quick ? 1 : 3, 1);
            int warmup = arguments.Int("warmup", 4, 0);
            int steps = arguments.Int("steps", quick ? 4 : 12, 1);
            int seed = arguments.Int("seed", 1, 0);
            double maxOtherCpu = arguments.Double("max-other-cpu", 0.25);
            int retries = arguments.Int("retries", 5, 0);
            string outDirectory = arguments.String("out", null);
            arguments.ThrowOnUnknown();
            if (shapes.Length == 0 || settings.Length == 0)
                throw new ArgumentException("Name at least one shape and one setting.");
            if (settings.Select(s => s.Name).Distinct().Count() != settings.Length || shapes.Select(s => s.Name).Distinct().Count() != shapes.Length)
                throw new ArgumentException("A shape or setting is named twice.");

            string command = "dotnet run -c Release --project test/Microsoft.ML.SeqAutoencoder.Benchmarks -- "
                + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
            MachineInfo machine = MachineInfo.Collect();
            var loadAtStart = MachineInfo.LoadAverage();
            Console.WriteLine($"# allocator: {shapes.Length} shapes x {settings.Length} settings x {rounds} rounds, {warmup} warm-up + {steps} timed steps per child");
            foreach (var (name, value) in machine.Describe())
                Console.WriteLine($"#   {name}: {value}");
            Console.WriteLine($"#   load average at start: {loadAtStart.One:F2} {loadAtStart.Five:F2} {loadAtStart.Fifteen:F2}");

            var runs = new List<ChildRun>();
            var skipped = new List<string>();
            var clock = Stopwatch.StartNew();
            int total = rounds * shapes.Length * settings.Length;
            for (int round = 0; round < rounds; round++)
            {
                foreach (BenchmarkShape shape in shapes)
                {
                    for (int i = 0; i < settings.Length; i++)
                    {
                        // Rotate the order each round: no setting always runs first (or right after a heavy one).
                        AllocatorSetting setting = settings[(i + round) % settings.Length];
                        ChildRun run = RunUntilQuiet(round + 1, setting, shape, warmup, steps, seed, maxOtherCpu, retries);
                        if (run is null)
                        {
                            skipped.Add($"round {round + 1} shape {shape.Name} {setting.Name}");
                            Console.WriteLine($"[  -/{total}] round {round + 1} shape {shape.Name} {setting.Name}: the machine stayed busy, left out");
                            continue;
                        }
                        runs.Add(run);
                        AllocatorChildResult result = run.Result;
                        string step = string.Create(CultureInfo.InvariantCulture,
                            $"[{runs.Count + skipped.Count,3}/{total}] round {round + 1} shape {shape.Name} {setting.Name,-14} median {Statistics.MedianOf(result.StepMilliseconds),8:F1} ms/step");
                        string memory = string.Create(CultureInfo.InvariantCulture,
                            $"peak RSS {MiB(result.PeakRssKiB),6:F0} MiB, end RSS {MiB(result.EndRssKiB),6:F0} MiB, others {result.TimedOtherCpuCores:F2} cores, load {result.LoadAtEnd:F2}");
                        string wait = run.WaitedSeconds > 0 ? string.Create(CultureInfo.InvariantCulture, $", waited {run.WaitedSeconds:F0} s") : "";
                        string rerun = run.Discarded > 0 ? $", {run.Discarded} busy run(s) discarded" : "";
                        string noisy = run.Noisy ? " [busy: others above the limit, kept after all retries]" : "";
                        Console.WriteLine($"{step}, {memory}{wait}{rerun}{noisy}");
                    }
                }
            }
            var loadAtEnd = MachineInfo.LoadAverage();
            if (runs.Count == 0)
            {
                Console.Error.WriteLine("No child process ran on a quiet enough machine; try again later or raise --max-other-cpu.");
                return 1;
            }

            ResultTable summary = Summarize(runs, shapes, settings);
            string markdown = Report(machine, command, settings, summary, runs, skipped, loadAtStart, loadAtEnd, clock.Elapsed, maxOtherCpu);
            Console.WriteLine();
            Console.WriteLine(markdown);

            string directory = ArtifactPaths.ResultsDirectory(outDirectory);
            string stem = Path.Combine(directory, "allocator-" + machine.Date.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            File.WriteAllText(stem + ".md", markdown);
            summary.WriteCsv(stem + ".csv");
            RunTable(runs).WriteCsv(stem + "-runs.csv");
            StepTable(runs).WriteCsv(stem + "-steps.csv");
            Console.WriteLine($"Wrote {stem}.md, {stem}.csv, {stem}-runs.csv and {stem}-steps.csv");
            return 0;
        }

        private static int RunChild(BenchmarkArguments arguments)
        {
            BenchmarkShape shape = BenchmarkShape.Find(arguments.String("shape", null) ?? throw new ArgumentException("--child needs --shape."));
            int warmup = arguments.Int("warmup", 4, 0);
            int steps = arguments.Int("steps", 12, 1);
            int seed = arguments.Int("seed", 1, 0);
            double abortOtherCpu = arguments.Double("abort-other-cpu", 0);
            arguments.ThrowOnUnknown();
            AllocatorChildResult result = AllocatorChild.Run(shape, warmup, steps, seed, abortOtherCpu);
            ChildProcess.WriteResult(JsonSerializer.Serialize(result));
            return 0;
        }

        private static AllocatorChildResult RunInChild(AllocatorSetting setting, BenchmarkShape shape, int warmup, int steps, int seed, double abortOtherCpu)
        {
            string[] childArguments =
            {
                "allocator", "--child", "--shape", shape.Name,
                "--warmup", warmup.ToString(CultureInfo.InvariantCulture),
                "--steps", steps.ToString(CultureInfo.InvariantCulture),
                "--seed", seed.ToString(CultureInfo.InvariantCulture),
                "--abort-other-cpu", abortOtherCpu.ToString(CultureInfo.InvariantCulture),
            };
            string json = ChildProcess.Run(childArguments, AllocatorSetting.ControlledVariables, setting.Variables, _childTimeout);
            AllocatorChildResult result = JsonSerializer.Deserialize<AllocatorChildResult>(json);
            if (!result.AbortedBusy && result.AllocatorState != setting.ExpectedState.ToString())
            {
                throw new InvalidOperationException(
                    $"Setting {setting.Name}: the library's allocator state in the child was {result.AllocatorState}, expected {setting.ExpectedState}.");
            }
            return result;
        }

        /// <summary>
        /// Runs one child, first waiting for other processes to calm down, and runs it again (up to
        /// <paramref name="retries"/> times) when other processes used more than <paramref name="maxOtherCpu"/>
        /// cores during its timed steps. A child stops early when they clearly do (twice the limit, at least half
        /// a core): on 2 cores libtorch's threads then wait for each other and a step can take 30 times longer.
        /// Returns null when even the last attempt had to stop; a last attempt that ran to the end with others
        /// above the limit is kept and marked.
        /// </summary>
        private static ChildRun RunUntilQuiet(int round, AllocatorSetting setting, BenchmarkShape shape, int warmup, int steps, int seed,
            double maxOtherCpu, int retries)
        {
            double waited = 0;
            for (int attempt = 0; ; attempt++)
            {
                if (maxOtherCpu > 0)
                    waited += CpuActivity.WaitForQuiet(maxOtherCpu, _quietWait).WaitedSeconds;
                double abortOtherCpu = maxOtherCpu > 0 ? Math.Max(2 * maxOtherCpu, 0.5) : 0;
                AllocatorChildResult result = RunInChild(setting, shape, warmup, steps, seed, abortOtherCpu);
                bool busy = maxOtherCpu > 0 && (result.AbortedBusy || result.TimedOtherCpuCores > maxOtherCpu);
                if (!busy)
                    return new ChildRun(round, setting, shape, result, waited, attempt, false);
                if (attempt == retries)
                    return result.AbortedBusy ? null : new ChildRun(round, setting, shape, result, waited, attempt, true);
                string what = result.AbortedBusy ? "stopped early" : $"median {Statistics.MedianOf(result.StepMilliseconds):F1} ms/step";
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"        round {round} shape {shape.Name} {setting.Name}: other processes used {result.TimedOtherCpuCores:F2} cores ({what}); running it again"));
            }
        }

        private static ResultTable Summarize(IReadOnlyList<ChildRun> runs, IReadOnlyList<BenchmarkShape> shapes, IReadOnlyList<AllocatorSetting> settings)
        {
            var table = new ResultTable("shape", "setting", "median ms/step", "p10", "p90", "per-process medians",
                "speed-up vs default", "peak RSS MiB", "peak - start MiB", "end RSS MiB", "after malloc_trim MiB", "minor faults/step", "kernel CPU ms/step", "others' cores (max)");
            foreach (BenchmarkShape shape in shapes)
            {
                double? baseline = null;
                AllocatorSetting baselineSetting = settings.FirstOrDefault(s => s.IsBaseline);
                if (baselineSetting != null && runs.Any(r => r.Shape == shape && r.Setting == baselineSetting))
                    baseline = Statistics.MedianOf(runs.Where(r => r.Shape == shape && r.Setting == baselineSetting).SelectMany(r => r.Result.StepMilliseconds));
                foreach (AllocatorSetting setting in settings)
                {
                    var mine = runs.Where(r => r.Shape == shape && r.Setting == setting).ToArray();
                    if (mine.Length == 0)
                    {
                        table.Add(Enumerable.Range(0, table.Headers.Count).Select(c => c == 0 ? $"{shape.Name} ({shape.Label})" : c == 1 ? setting.Name : "-").ToArray());
                        continue;
                    }
                    Statistics step = Statistics.Of(mine.SelectMany(r => r.Result.StepMilliseconds));
                    Statistics perProcess = Statistics.Of(mine.Select(r => Statistics.MedianOf(r.Result.StepMilliseconds)));
                    int timedSteps = mine[0].Result.StepMilliseconds.Length;
                    string others = F2(mine.Max(r => r.Result.TimedOtherCpuCores)) + (mine.Any(r => r.Noisy) ? " (busy)" : "");
                    table.Add(
                        $"{shape.Name} ({shape.Label})",
                        setting.Name,
                        F1(step.Median),
                        F1(step.P10),
                        F1(step.P90),
                        mine.Length == 1 ? F1(perProcess.Median) : $"{F1(perProcess.Min)}-{F1(perProcess.Max)}",
                        baseline is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"×{baseline.Value / step.Median:F2}"),
                        F0(Statistics.MedianOf(mine.Select(r => MiB(r.Result.PeakRssKiB)))),
                        F0(Statistics.MedianOf(mine.Select(r => MiB(r.Result.PeakRssKiB - r.Result.RssBeforeTrainingKiB)))),
                        F0(Statistics.MedianOf(mine.Select(r => MiB(r.Result.EndRssKiB)))),
                        F0(Statistics.MedianOf(mine.Select(r => MiB(r.Result.TrimmedRssKiB)))),
                        F0(Statistics.MedianOf(mine.Select(r => (double)r.Result.TimedMinorFaults / timedSteps))),
                        F1(Statistics.MedianOf(mine.Select(r => r.Result.TimedKernelCpuMilliseconds / timedSteps))),
                        others);
                }
            }
            return table;
        }

        private static string Report(MachineInfo machine, string command, IReadOnlyList<AllocatorSetting> settings, ResultTable summary,
            IReadOnlyList<ChildRun> runs, IReadOnlyList<string> skipped, (double One, double Five, double Fifteen) loadAtStart, (double One, double Five, double Fifteen) loadAtEnd, TimeSpan elapsed,
            double maxOtherCpu)
        {
            var loads = runs.SelectMany(r => new[] { r.Result.LoadAtStart, r.Result.LoadAtEnd }).ToArray();
            var text = new StringBuilder();
            text.AppendLine("### allocator");
            text.AppendLine();
            text.AppendLine($"Command: `{command}`");
            text.AppendLine();
            foreach (var (name, value) in machine.Describe())
                text.AppendLine($"- {name}: {value}");
            string start = string.Create(CultureInfo.InvariantCulture, $"{loadAtStart.One:F2}/{loadAtStart.Five:F2}/{loadAtStart.Fifteen:F2}");
            string end = string.Create(CultureInfo.InvariantCulture, $"{loadAtEnd.One:F2}/{loadAtEnd.Five:F2}/{loadAtEnd.Fifteen:F2}");
            string seen = string.Create(CultureInfo.InvariantCulture, $"{loads.Min():F2}-{loads.Max():F2} (median {Statistics.MedianOf(loads):F2})");
            text.AppendLine($"- load average (1/5/15 min): {start} at start, {end} at end; 1-min load seen by the children {seen}; "
                + $"the benchmark itself adds up to ~{machine.TorchThreads}");
            string check = maxOtherCpu > 0
                ? string.Create(CultureInfo.InvariantCulture,
                    $"children run when other processes used at most {maxOtherCpu:F2} cores; {runs.Sum(r => r.Discarded)} busy runs discarded and re-run, {runs.Count(r => r.Noisy)} kept although busy, {skipped.Count} left out, {runs.Sum(r => r.WaitedSeconds):F0} s waited")
                : "no check of other processes' CPU use";
            text.AppendLine($"- shared machine: {check}");
            if (skipped.Count > 0)
                text.AppendLine($"- left out (machine busy through every retry): {string.Join("; ", skipped)}");
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"- {runs.Count} child processes ({runs.Select(r => r.Round).Distinct().Count()} per setting and shape), {runs[0].Result.WarmupMilliseconds.Length} warm-up + {runs[0].Result.StepMilliseconds.Length} timed steps each; duration {elapsed.TotalMinutes:F1} min"));
            text.AppendLine();
            text.AppendLine("Settings:");
            text.AppendLine();
            foreach (AllocatorSetting setting in settings)
                text.AppendLine($"- `{setting.Name}`: {setting.Description}");
            text.AppendLine();
            text.AppendLine(summary.ToMarkdown());
            text.AppendLine("ms/step: median, 10th and 90th percentile over all timed steps of all processes of that setting; "
                + "per-process medians: lowest and highest median of a single process. Speed-up: median of `default` / median of the setting. "
                + "Peak RSS: VmHWM at the end of the process (libtorch, .NET runtime and data included); peak - start: VmHWM minus VmRSS just before training; "
                + "end RSS: VmRSS after training returned (model alive); after malloc_trim: VmRSS once malloc_trim(0) returned free heap pages. "
                + "Memory columns are medians over the processes. "
                + "Minor faults and kernel CPU (all threads) are per timed step, medians over the processes. "
                + "Others' cores: CPU used by other processes during the timed steps (machine busy time minus the child's), the highest of the processes.");
            return text.ToString();
        }

        private static ResultTable RunTable(IEnumerable<ChildRun> runs)
        {
            var table = new ResultTable("round", "shape", "setting", "allocator_state", "glibc_tunables", "torch_threads",
                "median_ms", "p10_ms", "p90_ms", "min_ms", "max_ms", "warmup_ms", "timed_steps", "minor_faults", "user_cpu_ms", "kernel_cpu_ms",
                "rss_before_training_kib", "peak_rss_kib", "end_rss_kib", "trimmed_rss_kib", "heap_bytes", "heap_free_bytes", "mmapped_bytes",
                "other_cpu_cores", "load_start", "load_end", "waited_s", "discarded_runs", "noisy");
            foreach (ChildRun run in runs)
            {
                AllocatorChildResult r = run.Result;
                Statistics step = Statistics.Of(r.StepMilliseconds);
                table.Add(I(run.Round), run.Shape.Name, run.Setting.Name, r.AllocatorState, r.GlibcTunables ?? "", I(r.TorchThreads),
                    F2(step.Median), F2(step.P10), F2(step.P90), F2(step.Min), F2(step.Max),
                    string.Join(' ', r.WarmupMilliseconds.Select(F1)), I(r.StepMilliseconds.Length), I(r.TimedMinorFaults),
                    F1(r.TimedUserCpuMilliseconds), F1(r.TimedKernelCpuMilliseconds),
                    I(r.RssBeforeTrainingKiB), I(r.PeakRssKiB), I(r.EndRssKiB), I(r.TrimmedRssKiB), I(r.HeapBytes), I(r.HeapFreeBytes), I(r.MmappedBytes),
                    F2(r.TimedOtherCpuCores), F2(r.LoadAtStart), F2(r.LoadAtEnd), F0(run.WaitedSeconds), I(run.Discarded), run.Noisy ? "true" : "false");
            }
            return table;
        }

        private static ResultTable StepTable(IEnumerable<ChildRun> runs)
        {
            var table = new ResultTable("round", "shape", "setting", "step", "ms");
            foreach (ChildRun run in runs)
            {
                for (int i = 0; i < run.Result.StepMilliseconds.Length; i++)
                    table.Add(I(run.Round), run.Shape.Name, run.Setting.Name, I(i + 1), F2(run.Result.StepMilliseconds[i]));
            }
            return table;
        }

        private static double MiB(long kib) => kib / 1024.0;

        private static string F0(double value) => value.ToString("F0", CultureInfo.InvariantCulture);

        private static string F1(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

        private static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

        private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>One child process's result and what it ran.</summary>
        /// <param name="Round">1-based round.</param>
        /// <param name="Setting">Malloc setting of the child.</param>
        /// <param name="Shape">Training shape of the child.</param>
        /// <param name="Result">What the kept child measured.</param>
        /// <param name="WaitedSeconds">Time spent waiting for other processes to calm down.</param>
        /// <param name="Discarded">Earlier runs thrown away because the machine was busy.</param>
        /// <param name="Noisy">The kept run had other processes above the limit too (retries exhausted).</param>
        private sealed record ChildRun(int Round, AllocatorSetting Setting, BenchmarkShape Shape, AllocatorChildResult Result, double WaitedSeconds,
            int Discarded, bool Noisy);
    }
}
