using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.Samples;

// Scale-out, step 1 of 2: train the README's heartbeat anomaly detector (LstmAutoencoder, default options, on the normal
// beats of the bundled ECG5000 TRAIN split), export it with ML.NET's ConvertToOnnx, and write the ML.NET scores of the
// TEST beats beside it so that step 2 (samples/ScoreWithOnnxRuntime: ONNX Runtime only, no TorchSharp, no ML.NET) can
// check its own. Writes heartbeat-anomaly.onnx and mlnet-scores.csv to artifacts/bin/Release/output/ExportToOnnx/.
// Usage: dotnet run -c Release --project samples/ExportToOnnx [-- --epochs N] [--quick] [--out DIR]

var arguments = SampleArguments.Parse(args, "ExportToOnnx");
var train = BundledData.ReadLabeledSequences(SampleArguments.DataPath("ECG5000_TRAIN.csv.gz"));
var test = BundledData.ReadLabeledSequences(SampleArguments.DataPath("ECG5000_TEST.csv.gz"));
int steps = train[0].Values.Length;
var normal = train.Where(r => r.Label == "1").Select(r => new Beat { Features = r.Values }).ToList();
if (arguments.Quick)
    normal = normal.Take(60).ToList();

var mlContext = new MLContext(seed: 1);
var schema = SchemaDefinition.Create(typeof(Beat));
schema[nameof(Beat.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, steps);
var options = new SequenceAnomalyOptions { FeatureColumnName = nameof(Beat.Features), Seed = 1 };
options.Epochs = arguments.EpochsOr(full: options.Epochs, quick: 2);
Console.WriteLine($"Training LstmAutoencoder on {normal.Count} normal ECG5000 beats ({steps} steps), {options.Epochs} epochs.");
var model = mlContext.AnomalyDetection.Trainers.LstmAutoencoder(options).Fit(mlContext.Data.LoadFromEnumerable(normal, schema));
using var parameters = model.Model;

// Export from a view that holds only the sequence column: it becomes the graph's only input.
string onnxPath = arguments.OutputPath("heartbeat-anomaly.onnx");
using (var file = File.Create(onnxPath))
    mlContext.Model.ConvertToOnnx(model, mlContext.Data.LoadFromEnumerable(Array.Empty<Beat>(), schema), file);
Console.WriteLine($"Exported to {onnxPath} ({new FileInfo(onnxPath).Length / 1024.0:F0} KiB): input '{nameof(Beat.Features)}' [N, {steps}], outputs 'Score.output', 'PredictedLabel.output'.");

// ML.NET's scores of the TEST beats, for step 2 to compare with.
var clock = Stopwatch.StartNew();
// (--quick: every 20th beat, as samples/ScoreWithOnnxRuntime --quick reads them.)
var beats = test.Where((_, i) => !arguments.Quick || i % 20 == 0).Select(r => new Beat { Features = r.Values }).ToList();
float[] scores = model.Transform(mlContext.Data.LoadFromEnumerable(beats, schema)).GetColumn<float>("Score").ToArray();
Console.WriteLine($"ML.NET (TorchSharp) scored {scores.Length} TEST beats in {clock.Elapsed.TotalSeconds:F2} s.");
string scoresPath = arguments.OutputPath("mlnet-scores.csv");
File.WriteAllLines(scoresPath, scores.Select(s => s.ToString("R", CultureInfo.InvariantCulture)));
Console.WriteLine($"Wrote {scoresPath}. Next: dotnet run -c Release --project samples/ScoreWithOnnxRuntime");

/// <summary>One beat: 140 samples.</summary>
internal sealed class Beat
{
    public float[] Features { get; set; }
}
