using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Harness;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Speed
{
    /// <summary>
    /// Training and scoring speed against PyTorch, in one run: every measurement in a fresh child process (ours or
    /// the PyTorch reference script), repeated in rounds with rotating order, thrown away and redone when other
    /// processes used the CPU meanwhile.
    /// </summary>
    internal sealed class SpeedBenchmark : IBenchmark
    {
        /// <summary>glibc tunables equivalent to what the library sets with mallopt (see NativeAllocator).</summary>
        private const string TunedMalloc = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=536870912";

        private static readonly string[] _controlledVariables =
        {
            "GLIBC_TUNABLES", "SEQAE_DISABLE_MALLOC_TUNING", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_WAIT_POLICY",
        };

        private static readonly TimeSpan _childTimeout = TimeSpan.FromMinutes(20);
        private static readonly TimeSpan _quietWait = TimeSpan.FromMinutes(5);

        private double _maxOtherCpu;
        private int _retries;
        private readonly List<string> _notes = new List<string>();
        private int _discarded;

        public string Name => "speed";

        public string Description => "training step and scoring throughput vs the PyTorch reference; Fit vs raw TorchSharp; GFLOP/s; lazy scoring memory";

        public string Usage => string.Join(Environment.NewLine, new[]
        {
            "speed [options]   (needs Debian's python3-torch for the reference: apt-get install python3-torch libopenblas0-pthread)",
            "  --quick             smoke run: 1 round, 2+4 steps, 0.5 s per scoring figure, 10k vs 100k rows for memory",
            "  --shapes LIST       comma-separated shapes (default a,b,c): " + string.Join("; ", BenchmarkShape.All.Select(s => $"{s.Name}: {s.Label}")),
            "  --rounds N          child processes per measurement (default 2)",
            "  --warmup N          untimed steps per training child (default 4)",
            "  --steps N           timed steps per training child (default 12)",
            "  --fit-steps N       steps of the Fit vs raw loop comparison, a multiple of 4 (default 200: the default 50 epochs of 4 batches)",
            "  --score-seconds S   seconds per scoring figure (default 2)",
            "  --rss-rows N        rows of the large lazy scoring run (default 1000000; the small one is 10000) on shape a",
            "  --python PATH       interpreter with PyTorch (default: /usr/bin/python3, else python3)",
            "  --seed N            data and weight seed (default 1)",
            "  --max-other-cpu X   cores other processes may use during a child before it is run again (default 0.25; 0: no checks)",
            "  --retries N         runs again per child when the machine was busy (default 5)",
            "  --out DIR           where the CSV and markdown files go (default artifacts/benchmarks/)",
        });

        public int Run(BenchmarkArguments arguments)
        {
            string child = arguments.String("child", null);
            if (child != null)
                return RunChild(child, arguments);

            bool quick = arguments.Flag("quick");
            BenchmarkShape[] shapes = arguments.String("shapes", "a,b,c").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(BenchmarkShape.Find).ToArray();
            int rounds = arguments.Int("rounds", quick ? 1 : 2, 1);
            int warmup = arguments.Int("warmup", quick ? 2 : 4, 0);
            int steps = arguments.Int("steps", quick ? 4 : 12, 1);
            int fitSteps = arguments.Int("fit-steps", quick ? 8 : 200, BenchmarkShape.BatchesPerEpoch);
            double scoreSeconds = arguments.Double("score-seconds", quick ? 0.5 : 2);
            long rssRows = arguments.Int("rss-rows", quick ? 100_000 : 1_000_000, 10_001);
            string python = PythonReference.FindPython(arguments.String("python", null));
            int seed = arguments.Int("seed", 1, 0);
            _maxOtherCpu = arguments.Double("max-other-cpu", 0.25);
            _retries = arguments.Int("retries", 5, 0);
            string outDirectory = arguments.String("out", null);
            arguments.ThrowOnUnknown();
            if (fitSteps % BenchmarkShape.BatchesPerEpoch != 0)
                throw new ArgumentException($"--fit-steps must be a multiple of {BenchmarkShape.BatchesPerEpoch}.");

            string command = "dotnet run -c Release --project test/Microsoft.ML.SeqAutoencoder.Benchmarks -- "
                + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
            MachineInfo machine = MachineInfo.Collect();
            var loadAtStart = MachineInfo.LoadAverage();
            var clock = Stopwatch.StartNew();
            Console.WriteLine($"# speed: shapes {string.Join(",", shapes.Select(s => s.Name))}, {rounds} round(s), python {python}");
            foreach (var (name, value) in machine.Describe())
                Console.WriteLine($"#   {name}: {value}");

            // 1. Matrix product peak.
            var ourMm = Measure("sgemm TorchSharp", () => Ours("mm", null, "--size", "2048"));
            var pyMm = Measure("sgemm PyTorch 2 threads", () => Python(python, new Dictionary<string, string> { ["OPENBLAS_NUM_THREADS"] = "2" }, "mm", "--size", "2048", "--threads", "2"));

            // 2. Training steps: ours (library trainer), raw TorchSharp, PyTorch at 1 and 2 threads with default and tuned malloc.
            var configurations = new List<(string Name, Func<BenchmarkShape, int, SpeedChildResult> Run)>
            {
                ("ours (library)", (s, r) => Ours("library", null, "--shape", s.Name, "--warmup", I(warmup), "--steps", I(steps), "--seed", I(seed))),
                ("raw TorchSharp", (s, r) => Ours("raw", TunedMalloc, "--shape", s.Name, "--warmup", I(warmup), "--steps", I(steps), "--seed", I(seed))),
            };
            // PyTorch: its default (1 intra-op thread here), the same with our malloc tuning, 2 threads as we use, and 2 threads
            // with OpenBLAS kept to one thread (Debian's torch calls OpenBLAS' own pthread pool from inside its OpenMP threads).
            var pytorchConfigurations = new (string Name, int Threads, Dictionary<string, string> Variables)[]
            {
                ("PyTorch 1 thread", 1, new Dictionary<string, string>()),
                ("PyTorch 1 thread, tuned malloc", 1, new Dictionary<string, string> { ["GLIBC_TUNABLES"] = TunedMalloc }),
                ("PyTorch 2 threads", 2, new Dictionary<string, string>()),
                ("PyTorch 2 threads, OPENBLAS_NUM_THREADS=1", 2, new Dictionary<string, string> { ["OPENBLAS_NUM_THREADS"] = "1" }),
            };
            foreach (var (name, threads, variables) in pytorchConfigurations)
            {
                configurations.Add((name, (s, r) => Python(python, variables, "train", "--steps", I(s.Steps), I(s.Features), I(s.Hidden), I(s.BatchSize),
                    "--warmup", I(warmup), "--timed", I(steps), "--threads", I(threads), "--seed", I(seed))));
            }
            var training = new List<(BenchmarkShape Shape, string Configuration, SpeedChildResult Result)>();
            for (int round = 0; round < rounds; round++)
            {
                foreach (BenchmarkShape shape in shapes)
                {
                    for (int i = 0; i < configurations.Count; i++)
                    {
                        var (name, run) = configurations[(i + round) % configurations.Count];
                        SpeedChildResult result = Measure($"round {round + 1} train {shape.Name} {name}", () => run(shape, round));
                        training.Add((shape, name, result));
                    }
                }
            }

            // 3. ML.NET Fit against the raw loop, whole trainings of the same steps.
            var fit = new List<(BenchmarkShape Shape, string Configuration, SpeedChildResult Result)>();
            for (int round = 0; round < rounds; round++)
            {
                foreach (BenchmarkShape shape in shapes)
                {
                    var pair = new (string, Func<SpeedChildResult>)[]
                    {
                        ("ML.NET Fit", () => Ours("fit", null, "--shape", shape.Name, "--steps", I(fitSteps), "--seed", I(seed))),
                        ("raw TorchSharp", () => Ours("raw", TunedMalloc, "--shape", shape.Name, "--warmup", "0", "--steps", I(fitSteps), "--seed", I(seed))),
                    };
                    foreach (var (name, run) in round % 2 == 0 ? pair : pair.Reverse())
                        fit.Add((shape, name, Measure($"round {round + 1} whole training {shape.Name} {name}", run)));
                }
            }

            // 4. Scoring throughput.
            var scoring = new List<(BenchmarkShape Shape, string Who, ScoringResult Result)>();
            foreach (BenchmarkShape shape in shapes)
            {
                SpeedChildResult ours = Measure($"score {shape.Name} ours", () => Ours("score", null, "--shape", shape.Name, "--seconds", D(scoreSeconds), "--seed", I(seed)));
                scoring.AddRange(ours.Scoring.Select(r => (shape, "ours", r)));
                foreach (int threads in new[] { 1, 2 })
                {
                    // Two threads with OpenBLAS on one (see the training configurations).
                    var variables = threads == 1 ? new Dictionary<string, string>() : new Dictionary<string, string> { ["OPENBLAS_NUM_THREADS"] = "1" };
                    SpeedChildResult reference = Measure($"score {shape.Name} PyTorch {threads} thread(s)", () => Python(python, variables, "score",
                        "--steps", I(shape.Steps), I(shape.Features), I(shape.Hidden), I(shape.BatchSize), "--seconds", D(scoreSeconds), "--threads", I(threads)));
                    scoring.AddRange(reference.Scoring.Select(r => (shape, $"PyTorch {threads} thread{(threads > 1 ? "s" : "")}", r)));
                }
            }

            // 5. Memory of lazy scoring.
            BenchmarkShape memoryShape = BenchmarkShape.Find("a");
            var memory = new List<(long Rows, SpeedChildResult Result)>();
            foreach (long rows in new[] { 10_000L, rssRows })
                memory.Add((rows, Measure($"lazy scoring {rows} rows", () => Ours("rss", null, "--shape", memoryShape.Name, "--rows", I(rows), "--seed", I(seed)))));

            var loadAtEnd = MachineInfo.LoadAverage();
            string markdown = Report(machine, command, shapes, ourMm, pyMm, training, fit, scoring, memory, memoryShape, clock.Elapsed, loadAtStart, loadAtEnd);
            Console.WriteLine();
            Console.WriteLine(markdown);
            string directory = ArtifactPaths.ResultsDirectory(outDirectory);
            string stem = Path.Combine(directory, "speed-" + machine.Date.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
            File.WriteAllText(stem + ".md", markdown);
            File.WriteAllText(stem + "-children.json", JsonSerializer.Serialize(new
            {
                Training = training.Select(t => new { Shape = t.Shape.Name, t.Configuration, t.Result }),
                Fit = fit.Select(t => new { Shape = t.Shape.Name, t.Configuration, t.Result }),
                Scoring = scoring.Select(t => new { Shape = t.Shape.Name, t.Who, t.Result }),
                Memory = memory.Select(m => new { m.Rows, m.Result }),
            }, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"Wrote {stem}.md and {stem}-children.json");
            return 0;
        }

        private static int RunChild(string kind, BenchmarkArguments arguments)
        {
            BenchmarkShape Shape() => BenchmarkShape.Find(arguments.String("shape", null) ?? throw new ArgumentException("--child needs --shape."));
            int seed = arguments.Int("seed", 1, 0);
            SpeedChildResult result = kind switch
            {
                "library" => SpeedChild.Library(Shape(), arguments.Int("warmup", 4, 0), arguments.Int("steps", 12, 1), seed),
                "raw" => SpeedChild.Raw(Shape(), arguments.Int("warmup", 4, 0), arguments.Int("steps", 12, 1), seed),
                "fit" => SpeedChild.Fit(Shape(), arguments.Int("steps", 32, 1), seed),
                "score" => SpeedChild.Score(Shape(), new[] { 1, 64, 256 }, arguments.Double("seconds", 2), seed),
                "rss" => SpeedChild.LazyScoringMemory(Shape(), arguments.Int("rows", 10_000, 1), seed),
                "mm" => SpeedChild.MatrixProduct(arguments.Int("size", 2048, 1), arguments.Int("repeats", 10, 1)),
                _ => throw new ArgumentException($"Unknown child '{kind}'."),
            };
            arguments.ThrowOnUnknown();
            ChildProcess.WriteResult(JsonSerializer.Serialize(result));
            return 0;
        }

        private static SpeedChildResult Ours(string kind, string glibcTunables, params string[] arguments)
        {
            var all = new List<string> { "speed", "--child", kind };
            all.AddRange(arguments);
            string json = ChildProcess.Run(all, _controlledVariables, ChildEnvironment(glibcTunables), _childTimeout);
            return JsonSerializer.Deserialize<SpeedChildResult>(json);
        }

        private static SpeedChildResult Python(string python, Dictionary<string, string> variables, params string[] arguments)
        {
            string json = ChildProcess.RunProgram(python, PythonReference.Arguments(arguments), _controlledVariables, variables, _childTimeout);
            return JsonSerializer.Deserialize<SpeedChildResult>(json);
        }

        private static Dictionary<string, string> ChildEnvironment(string glibcTunables)
        {
            var variables = new Dictionary<string, string>();
            if (glibcTunables != null)
                variables["GLIBC_TUNABLES"] = glibcTunables;
            return variables;
        }

        /// <summary>
        /// Runs one child, waiting first for other processes to calm down, and again (up to --retries times) when other
        /// processes used more than --max-other-cpu cores while it ran: machine busy time minus the child's own CPU time.
        /// </summary>
        private SpeedChildResult Measure(string label, Func<SpeedChildResult> run)
        {
            for (int attempt = 0; ; attempt++)
            {
                if (_maxOtherCpu > 0)
                    CpuActivity.WaitForQuiet(_maxOtherCpu, _quietWait);
                TimeSpan busyBefore = CpuActivity.MachineBusyTime();
                var clock = Stopwatch.StartNew();
                SpeedChildResult result = run();
                TimeSpan wall = clock.Elapsed;
                double others = CpuActivity.OtherCores(CpuActivity.MachineBusyTime() - busyBefore, TimeSpan.FromSeconds(result.CpuSeconds), wall);
                bool busy = _maxOtherCpu > 0 && others > _maxOtherCpu;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {label}: {Summary(result)} ({wall.TotalSeconds:F1} s, others {others:F2} cores){(busy ? " busy" : "")}"));
                if (!busy)
                    return result;
                if (attempt == _retries)
                {
                    _notes.Add(string.Create(CultureInfo.InvariantCulture, $"{label}: kept although other processes used {others:F2} cores (all retries busy)"));
                    return result;
                }
                _discarded++;
            }
        }

        private static string Summary(SpeedChildResult result)
        {
            if (result.StepMilliseconds is { Length: > 0 })
                return string.Create(CultureInfo.InvariantCulture, $"median {Statistics.MedianOf(result.StepMilliseconds):F1} ms/step");
            if (result.Gflops is double g)
                return string.Create(CultureInfo.InvariantCulture, $"{g:F1} GFLOP/s");
            if (result.Scoring is { Count: > 0 } s)
                return string.Join("; ", s.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.What} {r.Path} b{r.Batch} {r.RowsPerSecond:F0}/s")));
            if (result.TotalMilliseconds is double t)
                return string.Create(CultureInfo.InvariantCulture, $"{t / (result.TotalSteps ?? 1):F1} ms/step over the whole training");
            return "done";
        }

        private string Report(MachineInfo machine, string command, IReadOnlyList<BenchmarkShape> shapes, SpeedChildResult ourMm, SpeedChildResult pyMm,
            List<(BenchmarkShape Shape, string Configuration, SpeedChildResult Result)> training,
            List<(BenchmarkShape Shape, string Configuration, SpeedChildResult Result)> fit,
            List<(BenchmarkShape Shape, string Who, ScoringResult Result)> scoring,
            List<(long Rows, SpeedChildResult Result)> memory, BenchmarkShape memoryShape, TimeSpan elapsed,
            (double One, double Five, double Fifteen) loadAtStart, (double One, double Five, double Fifteen) loadAtEnd)
        {
            var text = new StringBuilder();
            text.AppendLine("### speed");
            text.AppendLine();
            text.AppendLine($"Command: `{command}`");
            text.AppendLine();
            foreach (var (name, value) in machine.Describe())
                text.AppendLine($"- {name}: {value}");
            string reference = training.Select(t => t.Result.Software).FirstOrDefault(s => s?.StartsWith("PyTorch", StringComparison.Ordinal) == true) ?? "?";
            text.AppendLine($"- reference: {reference.Replace(" 1 intra-op thread(s)", " N intra-op thread(s)", StringComparison.Ordinal)}");
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"- load average 1/5/15 min: {loadAtStart.One:F2}/{loadAtStart.Five:F2}/{loadAtStart.Fifteen:F2} at start, {loadAtEnd.One:F2}/{loadAtEnd.Five:F2}/{loadAtEnd.Fifteen:F2} at end; "
                + $"children with other processes above {_maxOtherCpu:F2} cores re-run: {_discarded}; duration {elapsed.TotalMinutes:F1} min"));
            foreach (string note in _notes)
                text.AppendLine($"- {note}");
            text.AppendLine();

            // Training steps.
            var steps = new ResultTable("shape", "ours ms/step", "raw TorchSharp ms/step", "best PyTorch ms/step", "best PyTorch configuration",
                "ours / best PyTorch", "target ≤ 0.35", "ours / PyTorch at 2 threads", "PyTorch configurations (median ms/step)", "peak RSS ours / PyTorch MiB");
            foreach (BenchmarkShape shape in shapes)
            {
                double Median(string configuration) => Statistics.MedianOf(training.Where(t => t.Shape == shape && t.Configuration == configuration).SelectMany(t => t.Result.StepMilliseconds));
                var pytorch = training.Where(t => t.Shape == shape && t.Configuration.StartsWith("PyTorch", StringComparison.Ordinal)).Select(t => t.Configuration).Distinct()
                    .Select(c => (Name: c, Median: Median(c))).OrderBy(c => c.Median).ToArray();
                double ours = Median("ours (library)");
                double ratio = ours / pytorch[0].Median;
                long ourRss = training.Where(t => t.Shape == shape && t.Configuration == "ours (library)").Max(t => t.Result.PeakRssKiB ?? 0);
                long pyRss = training.Where(t => t.Shape == shape && t.Configuration == pytorch[0].Name).Max(t => t.Result.PeakRssKiB ?? 0);
                double twoThreads = pytorch.Where(p => p.Name.StartsWith("PyTorch 2 threads", StringComparison.Ordinal)).Select(p => p.Median).DefaultIfEmpty(double.NaN).Min();
                steps.Add($"{shape.Name} ({shape.Label})", F1(ours), F1(Median("raw TorchSharp")), F1(pytorch[0].Median), pytorch[0].Name,
                    F2(ratio), ratio <= 0.35 ? "met" : "missed", F2(ours / twoThreads), string.Join("; ", pytorch.Select(p => $"{p.Name}: {F1(p.Median)}")),
                    $"{F0(ourRss / 1024.0)} / {F0(pyRss / 1024.0)}");
            }
            text.AppendLine("#### Training step");
            text.AppendLine();
            text.AppendLine(steps.ToMarkdown());
            text.AppendLine("Median over all timed steps of all rounds. A step: batch to tensor, forward, loss, backward, gradient clipping (norm 1), Adam, "
                + "reading the loss. Ours: the library's trainer (its malloc tuning on); raw TorchSharp: the same loop written directly against TorchSharp, "
                + "with the equivalent GLIBC_TUNABLES; PyTorch: the reference script in each configuration, the fastest one is the baseline; "
                + "ours / PyTorch at 2 threads: against the faster of its two 2-thread configurations (ours uses 2). "
                + "Peak RSS: VmHWM of the whole process (runtime, libtorch and data included).");
            text.AppendLine();

            // Whole trainings.
            var whole = new ResultTable("shape", "steps", "ML.NET Fit ms/step", "raw TorchSharp ms/step", "Fit / raw", "target ≤ 1.10", "Fit outside epochs ms");
            foreach (BenchmarkShape shape in shapes)
            {
                double PerStep(string configuration) => Statistics.MedianOf(fit.Where(t => t.Shape == shape && t.Configuration == configuration)
                    .Select(t => t.Result.TotalMilliseconds.Value / t.Result.TotalSteps.Value));
                double ratio = PerStep("ML.NET Fit") / PerStep("raw TorchSharp");
                double outside = Statistics.MedianOf(fit.Where(t => t.Shape == shape && t.Configuration == "ML.NET Fit")
                    .Select(t => t.Result.TotalMilliseconds.Value - (t.Result.EpochMilliseconds ?? 0)));
                whole.Add($"{shape.Name} ({shape.Label})", I(fit.First(t => t.Shape == shape).Result.TotalSteps ?? 0), F1(PerStep("ML.NET Fit")), F1(PerStep("raw TorchSharp")),
                    F2(ratio), ratio <= 1.10 ? "met" : "missed", F0(outside));
            }
            text.AppendLine("#### ML.NET Fit against the raw TorchSharp loop");
            text.AppendLine();
            text.AppendLine(whole.ToMarkdown());
            text.AppendLine("Wall time of a whole training divided by its steps, median of the rounds: `EncodeSequences(...).Fit(data)` (reading the IDataView, "
                + "standardization, network creation, every epoch, the transformer) against the raw loop from tensor creation to its last step. Fit outside epochs: Fit's wall time minus the epoch durations its trainer logs "
                + "(reading the rows, standardization statistics, network creation, the final malloc_trim, building the transformer).");
            text.AppendLine();

            // FLOPs.
            var flops = new ResultTable("shape", "GFLOP per step", "ours GFLOP/s", "PyTorch GFLOP/s", "sgemm 2048³ TorchSharp GFLOP/s", "sgemm 2048³ PyTorch GFLOP/s", "ours / best sgemm");
            foreach (BenchmarkShape shape in shapes)
            {
                double gflop = shape.TrainingFlopsPerStep() / 1e9;
                double ours = Statistics.MedianOf(training.Where(t => t.Shape == shape && t.Configuration == "ours (library)").SelectMany(t => t.Result.StepMilliseconds));
                double best = training.Where(t => t.Shape == shape && t.Configuration.StartsWith("PyTorch", StringComparison.Ordinal)).GroupBy(t => t.Configuration)
                    .Min(g => Statistics.MedianOf(g.SelectMany(t => t.Result.StepMilliseconds)));
                double peak = Math.Max(ourMm.Gflops.Value, pyMm.Gflops.Value);
                flops.Add($"{shape.Name} ({shape.Label})", F2(gflop), F1(gflop / (ours / 1000)), F1(gflop / (best / 1000)), F1(ourMm.Gflops.Value), F1(pyMm.Gflops.Value),
                    string.Create(CultureInfo.InvariantCulture, $"{100 * gflop / (ours / 1000) / peak:F0} %"));
            }
            text.AppendLine("#### Arithmetic throughput");
            text.AppendLine();
            text.AppendLine(flops.ToMarkdown());
            text.AppendLine("FLOPs per step: 3 × the forward pass's matrix products (encoder input and recurrent, decoder input and recurrent, output layer), element-wise work left out. "
                + "sgemm: float32 2048×2048 by 2048×2048 `torch.mm`, best of 10, 2 threads (TorchSharp: libtorch's default threads).");
            text.AppendLine();

            // Scoring.
            var score = new ResultTable("shape", "what", "path", "column", "batch", "ours rows/s", "PyTorch rows/s (best of 1/2 threads)", "ours / PyTorch");
            foreach (BenchmarkShape shape in shapes)
            {
                foreach (var (_, _, r) in scoring.Where(s => s.Shape == shape && s.Who == "ours"))
                {
                    double pyBest = scoring.Where(s => s.Shape == shape && s.Who.StartsWith("PyTorch", StringComparison.Ordinal) && s.Result.What == r.What && s.Result.Batch == r.Batch)
                        .Select(s => s.Result.RowsPerSecond).DefaultIfEmpty(double.NaN).Max();
                    score.Add($"{shape.Name} ({shape.Label})", r.What, r.Path, r.Column, I(r.Batch), F0(r.RowsPerSecond), F0(pyBest), F2(r.RowsPerSecond / pyBest));
                }
            }
            text.AppendLine("#### Scoring throughput");
            text.AppendLine();
            text.AppendLine(score.ToMarkdown());
            text.AppendLine("Rows per second while reading the column for at least the given seconds after one untimed batch. Transform+cursor: a streaming IDataView "
                + "of generated rows, `Transform`, a cursor over the one column; batch = ScoringBatchSize. PredictionEngine: one `Predict` per row. "
                + "Anomaly scores: the reconstruction error column of `EncodeSequences` (batched) and the `Score` of `AnomalyDetection.Trainers.LstmAutoencoder` "
                + "(ML.NET's anomaly scorer calls the model one row at a time, so its batch is 1). PyTorch: eval mode, no_grad, the same model, batches of the given size, "
                + "values copied out with `.numpy()`.");
            text.AppendLine();

            // Memory.
            var rss = new ResultTable("rows", "RSS before scoring MiB", "peak RSS MiB", "managed heap after MiB", "rows/s");
            foreach (var (rows, result) in memory)
            {
                rss.Add(I(rows), F0(result.RssBeforeKiB.Value / 1024.0), F0(result.PeakRssKiB.Value / 1024.0), F0(result.ManagedBytes.Value / 1048576.0),
                    F0(rows / (result.TotalMilliseconds.Value / 1000)));
            }
            text.AppendLine($"#### Lazy scoring memory (shape {memoryShape.Name}, {memoryShape.Label})");
            text.AppendLine();
            text.AppendLine(rss.ToMarkdown());
            text.AppendLine("A fresh process per row count: fit (1 epoch), score 1,024 rows once, then Transform + a cursor reading `Encoding` over a streaming view "
                + "of generated rows. Peak RSS is the process's VmHWM (training included).");
            return text.ToString();
        }

        private static string F0(double value) => value.ToString("F0", CultureInfo.InvariantCulture);

        private static string F1(double value) => value.ToString("F1", CultureInfo.InvariantCulture);

        private static string F2(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

        private static string D(double value) => value.ToString(CultureInfo.InvariantCulture);

        private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
