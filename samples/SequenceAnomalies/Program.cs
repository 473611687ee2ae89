using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.Samples;
using ScottPlot;

// Anomalies in whole sequences: an LSTM autoencoder is trained on normal heartbeats only
// (samples/data/heartbeats.csv, class 0); held-out normal beats and some ventricular/atrial beats (classes
// 1 and 2, here "anomalies") are scored, evaluated with ML.NET's anomaly metrics, and the decision threshold
// is moved. Plots a normal and an anomalous beat with their reconstructions and per-step errors
// (sequence-anomalies.png).
// Usage: dotnet run -c Release --project samples/SequenceAnomalies [-- --epochs N] [--quick] [--out DIR]

var arguments = SampleArguments.Parse(args, "SequenceAnomalies");
int epochs = arguments.EpochsOr(full: 60, quick: 2);
var beats = BundledData.ReadHeartbeats(SampleArguments.DataPath("heartbeats.csv"));
int steps = beats[0].Values.Length;

var mlContext = new MLContext(seed: 1);
mlContext.Log += (_, e) =>
{
    if (e.Kind == ChannelMessageKind.Info && e.Source.StartsWith("LstmAutoencoderAnomaly", StringComparison.Ordinal))
        Console.WriteLine($"  {e.RawMessage}");
};

// Train on 70% of the normal beats; test on the other 30% plus one anomalous beat for every three normal ones.
var normal = beats.Where(b => b.Label == 0).Select(b => b.Values).ToList();
var anomalous = beats.Where(b => b.Label != 0).Select(b => b.Values).ToList();
if (arguments.Quick)
    normal = normal.Take(100).ToList();
int trainCount = normal.Count * 7 / 10;
var train = normal.Take(trainCount).Select(v => new Beat { Features = v, Label = 0 }).ToList();
var testNormal = normal.Skip(trainCount).ToList();
var test = testNormal.Select(v => new Beat { Features = v, Label = 0 })
    .Concat(anomalous.Take(testNormal.Count / 3).Select(v => new Beat { Features = v, Label = 1 }))
    .ToList();
var schema = SchemaDefinition.Create(typeof(Beat));
schema[nameof(Beat.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, steps);
IDataView trainData = mlContext.Data.LoadFromEnumerable(train, schema);
IDataView testData = mlContext.Data.LoadFromEnumerable(test, schema);
Console.WriteLine($"Training on {train.Count} normal beats; testing on {testNormal.Count} normal and {test.Count - testNormal.Count} anomalous beats.");

var options = new SequenceAnomalyOptions
{
    FeatureColumnName = nameof(Beat.Features),
    EncodingSize = 16,
    HiddenSizes = new[] { 32 },
    Epochs = epochs,
    ScoringMethod = SequenceAnomalyScoringMethod.ReconstructionError,
    ThresholdMethod = SequenceAnomalyThresholdMethod.Quantile,
    ThresholdQuantile = 0.99,
    Seed = 1,
};
using var model = mlContext.AnomalyDetection.Trainers.LstmAutoencoder(options).Fit(trainData);

IDataView scored = model.Transform(testData);
var metrics = mlContext.AnomalyDetection.Evaluate(scored, falsePositiveCount: 2);
Console.WriteLine($"AUC-ROC on the test beats: {metrics.AreaUnderRocCurve:F3}; detection rate at 2 false positives: {metrics.DetectionRateAtFalsePositiveCount:F3}");
Console.WriteLine($"Learned threshold (99% quantile of held-out normal scores): {model.Model.Threshold:G4}");

void Report(string name, IDataView view)
{
    bool[] predicted = view.GetColumn<bool>("PredictedLabel").ToArray();
    float[] truth = view.GetColumn<float>(nameof(Beat.Label)).ToArray();
    int tp = predicted.Where((p, i) => p && truth[i] == 1).Count();
    int fp = predicted.Where((p, i) => p && truth[i] == 0).Count();
    int fn = predicted.Where((p, i) => !p && truth[i] == 1).Count();
    double precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp), recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
    double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
    Console.WriteLine($"{name}: {tp + fp} flagged, precision {precision:F3}, recall {recall:F3}, F1 {f1:F3}");
}
Report("Threshold 0.5 (the learned one)", scored);
// Score = raw / (raw + learned threshold): 0.4 flags rows whose raw score is above 2/3 of the learned threshold.
var sensitive = mlContext.AnomalyDetection.ChangeSequenceAnomalyThreshold(model, 0.4f);
Report("Threshold 0.4 (more sensitive)", sensitive.Transform(testData));

// Per-step errors from the anomaly model; reconstructions, for the plot, from an encoder trained with the
// same network options on the same normal beats (the anomaly model does not output its reconstruction).
using var stepErrors = mlContext.Transforms.ComputeSequenceStepErrors(model.Model, "StepErrors", nameof(Beat.Features)).Fit(testData);
using var reconstructor = mlContext.Transforms.EncodeSequences(new SequenceEncodingOptions
{
    InputColumnName = nameof(Beat.Features),
    EncodingSize = options.EncodingSize,
    HiddenSizes = options.HiddenSizes,
    Epochs = epochs,
    Seed = 1,
    ReconstructionColumnName = "Reconstruction",
}).Fit(trainData);
IDataView detail = reconstructor.Transform(stepErrors.Transform(scored));
float[][] values = detail.GetColumn<float[]>(nameof(Beat.Features)).ToArray();
float[][] reconstructions = detail.GetColumn<float[]>("Reconstruction").ToArray();
float[][] errors = detail.GetColumn<float[]>("StepErrors").ToArray();
float[] scores = detail.GetColumn<float>("Score").ToArray();

// The plotted anomaly is the flagged test anomaly with the median score (a typical catch, not the easiest one);
// if none is flagged, the median of all.
int normalRow = 0;
int[] anomalyRows = Enumerable.Range(testNormal.Count, test.Count - testNormal.Count).OrderBy(i => scores[i]).ToArray();
if (anomalyRows.Any(i => scores[i] > 0.5f))
    anomalyRows = anomalyRows.Where(i => scores[i] > 0.5f).ToArray();
int anomalyRow = anomalyRows[anomalyRows.Length / 2];

var figure = new Multiplot();
figure.AddPlots(4);
figure.Layout = new ScottPlot.MultiplotLayouts.Grid(2, 2);
double[] xs = SamplePlots.Steps(steps);
foreach (var (row, column, title) in new[] { (normalRow, 0, "Normal beat"), (anomalyRow, 1, "Anomalous beat") })
{
    Plot top = figure.GetPlot(column), bottom = figure.GetPlot(2 + column);
    top.Add.ScatterLine(xs, values[row].ToDoubles()).LegendText = "input";
    var rebuilt = top.Add.ScatterLine(xs, reconstructions[row].ToDoubles());
    rebuilt.LegendText = "reconstruction";
    rebuilt.LinePattern = LinePattern.Dashed;
    top.Title($"{title} (score {scores[row]:F2}, {(scores[row] > 0.5f ? "flagged" : "not flagged")})");
    top.ShowLegend();
    bottom.Add.Bars(xs, errors[row].ToDoubles());
    bottom.Title("Per-step error (squared, standardized units)");
    bottom.XLabel("step");
}
SamplePlots.Save(figure, arguments.OutputPath("sequence-anomalies.png"), 1200, 800);

/// <summary>One beat: the samples and whether it is anomalous.</summary>
internal sealed class Beat
{
    public float[] Features { get; set; }

    public float Label { get; set; }
}
