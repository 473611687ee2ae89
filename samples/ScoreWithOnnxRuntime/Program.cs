using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

// Scale-out, step 2 of 2: score the ECG5000 TEST beats with the model samples/ExportToOnnx exported, using ONNX Runtime
// alone: this program references neither this library, nor TorchSharp, nor ML.NET. Prints the detection figures, the
// largest difference from ML.NET's scores, the speed, and the deployment size of both ways (each program's dependency
// closure, read from its .deps.json).
// Usage: dotnet run -c Release --project samples/ScoreWithOnnxRuntime [-- --model FILE] [--quick]

string baseDirectory = AppContext.BaseDirectory;
string exported = Path.Combine(baseDirectory, "output", "ExportToOnnx");
string modelPath = Path.Combine(exported, "heartbeat-anomaly.onnx");
bool quick = false;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--model" && i + 1 < args.Length)
    {
        modelPath = args[++i];
        exported = Path.GetDirectoryName(Path.GetFullPath(modelPath));
    }
    else if (args[i] == "--quick")
    {
        quick = true;
    }
    else
    {
        throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: [--model FILE] [--quick]");
    }
}
if (!File.Exists(modelPath))
    throw new FileNotFoundException($"{modelPath} not found: run samples/ExportToOnnx first.", modelPath);

var (labels, beats) = ReadEcg(Path.Combine(baseDirectory, "data", "ECG5000_TEST.csv.gz"));
using var session = new InferenceSession(modelPath);
Console.WriteLine($"ONNX Runtime {OrtEnv.Instance().GetVersionString()}: {Path.GetFileName(modelPath)}, input " +
    string.Join(", ", session.InputMetadata.Select(m => $"'{m.Key}' [{string.Join(", ", m.Value.Dimensions)}]")));

const int Batch = 256;
var clock = Stopwatch.StartNew();
var scores = new List<float>();
var flagged = new List<bool>();
for (int start = 0; start < beats.Length; start += Batch)
{
    float[][] rows = beats.Skip(start).Take(Batch).ToArray();
    var input = new DenseTensor<float>(rows.SelectMany(r => r).ToArray(), new[] { rows.Length, rows[0].Length });
    using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("Features", input) }, new[] { "Score.output", "PredictedLabel.output" });
    scores.AddRange(results.First(r => r.Name == "Score.output").AsTensor<float>());
    flagged.AddRange(results.First(r => r.Name == "PredictedLabel.output").AsTensor<bool>());
}
double seconds = clock.Elapsed.TotalSeconds;
bool[] abnormal = labels.Select(l => l != "1").ToArray();
int tp = flagged.Where((f, i) => f && abnormal[i]).Count(), fp = flagged.Where((f, i) => f && !abnormal[i]).Count();
Console.WriteLine($"Scored {beats.Length} beats in {seconds:F2} s ({beats.Length / seconds:F0} beats/s, batches of {Batch}); " +
    $"AUC-PR {AveragePrecision(scores, abnormal):F3}; {tp + fp} flagged at the exported threshold, precision {(tp + fp == 0 ? 0 : (double)tp / (tp + fp)):F3}, " +
    $"recall {(double)tp / abnormal.Count(a => a):F3}.");

string mlnetScores = Path.Combine(exported, "mlnet-scores.csv");
if (File.Exists(mlnetScores))
{
    float[] expected = File.ReadLines(mlnetScores).Select(l => float.Parse(l, CultureInfo.InvariantCulture)).ToArray();
    if (expected.Length == scores.Count)
        Console.WriteLine($"Largest difference from ML.NET's scores (mlnet-scores.csv): {expected.Zip(scores, (a, b) => Math.Abs(a - b)).Max():G2}.");
    else
        Console.WriteLine($"mlnet-scores.csv has {expected.Length} scores for {scores.Count} beats (one run was --quick): not compared.");
}

Console.WriteLine($"Deployment: this program {Closure("ScoreWithOnnxRuntime") / 1048576.0:F0} MiB (ONNX Runtime); " +
    $"scoring with the library {Closure("ExportToOnnx") / 1048576.0:F0} MiB (ML.NET, TorchSharp, libtorch).");

// The files a program's .deps.json names (its assemblies and native libraries), summed over those present here.
long Closure(string app)
{
    string deps = Path.Combine(baseDirectory, app + ".deps.json");
    if (!File.Exists(deps))
        return 0;
    using var json = JsonDocument.Parse(File.ReadAllText(deps));
    var files = new HashSet<string>(StringComparer.Ordinal) { app + ".dll" };
    foreach (var target in json.RootElement.GetProperty("targets").EnumerateObject())
    {
        foreach (var library in target.Value.EnumerateObject())
        {
            foreach (string kind in new[] { "runtime", "native" })
            {
                if (library.Value.TryGetProperty(kind, out var assets))
                {
                    foreach (var asset in assets.EnumerateObject())
                        files.Add(Path.GetFileName(asset.Name));
                }
            }
            if (library.Value.TryGetProperty("runtimeTargets", out var targets))
            {
                foreach (var asset in targets.EnumerateObject())
                {
                    if (asset.Name.Contains("linux-x64", StringComparison.Ordinal))
                        files.Add(Path.GetFileName(asset.Name));
                }
            }
        }
    }
    var present = Directory.EnumerateFiles(baseDirectory, "*", SearchOption.AllDirectories)
        .GroupBy(Path.GetFileName).ToDictionary(g => g.Key, g => g.First());
    return files.Where(present.ContainsKey).Sum(f => new FileInfo(present[f]).Length);
}

(string[] Labels, float[][] Beats) ReadEcg(string path)
{
    using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
    var labels = new List<string>();
    var rows = new List<float[]>();
    for (string line = reader.ReadLine(); line != null; line = reader.ReadLine())
    {
        string[] cells = line.Split(',');
        labels.Add(cells[0]);
        rows.Add(cells.Skip(1).Select(c => float.Parse(c, CultureInfo.InvariantCulture)).ToArray());
    }
    if (quick)
        return (labels.Where((_, i) => i % 20 == 0).ToArray(), rows.Where((_, i) => i % 20 == 0).ToArray());
    return (labels.ToArray(), rows.ToArray());
}

static double AveragePrecision(IReadOnlyList<float> scores, bool[] truth)
{
    var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToArray();
    int positives = truth.Count(t => t), hits = 0;
    double sum = 0;
    for (int k = 0; k < order.Length; k++)
    {
        if (truth[order[k]])
        {
            hits++;
            sum += (double)hits / (k + 1);
        }
    }
    return positives == 0 ? 0 : sum / positives;
}
