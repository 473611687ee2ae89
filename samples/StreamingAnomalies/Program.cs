using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.Samples;
using ScottPlot;

// Streaming sensor anomalies: DetectAnomalyBySequenceAutoencoder learns what windows of a sensor series
// look like (samples/data/sensor.csv: 4000 steps, clean until step 2000, then five injected anomalies),
// then scores every step of the series by the reconstruction error of the window ending there, with a
// p-value against held-out training windows. The same detector then runs one row at a time
// (TimeSeriesAnomalyEngine), as on a live feed. Plots signal, score, threshold and alerts (streaming-anomalies.png).
// Usage: dotnet run -c Release --project samples/StreamingAnomalies [-- --epochs N] [--quick] [--out DIR]

var arguments = SampleArguments.Parse(args, "StreamingAnomalies");
const int TrainSteps = 2000;
var rows = File.ReadLines(SampleArguments.DataPath("sensor.csv")).Skip(1)
    .Select(line => line.Split(','))
    .Select(c => new SensorReading
    {
        Value = float.Parse(c[1], CultureInfo.InvariantCulture),
        Label = float.Parse(c[2], CultureInfo.InvariantCulture),
    })
    .ToList();

var mlContext = new MLContext(seed: 1);
mlContext.Log += (_, e) =>
{
    if (e.Kind == ChannelMessageKind.Info && e.Source.StartsWith(nameof(TimeSeriesAnomalyEstimator), StringComparison.Ordinal))
        Console.WriteLine($"  {e.RawMessage}");
};
IDataView history = mlContext.Data.LoadFromEnumerable(rows.Take(TrainSteps));
IDataView series = mlContext.Data.LoadFromEnumerable(rows);
Console.WriteLine($"Training the detector on the first {TrainSteps} of {rows.Count} steps (no anomalies there):");

var options = new TimeSeriesAnomalyOptions
{
    InputColumnName = nameof(SensorReading.Value),
    OutputColumnName = "Prediction",
    WindowSize = 48,
    Stride = 1,
    Confidence = 99.5,
    EncodingSize = 16,
    HiddenSizes = new[] { 32 },
    Epochs = arguments.EpochsOr(full: 15, quick: 1),
    Seed = 1,
};
using TimeSeriesAnomalyDetector detector = mlContext.Transforms.DetectAnomalyBySequenceAutoencoder(options).Fit(history);

// Batch scoring of the whole series: Prediction = [Alert, Raw Score, P-Value] per step.
double[][] predictions = detector.Transform(series).GetColumn<double[]>("Prediction").ToArray();
bool[] truth = rows.Select(r => r.Label == 1).ToArray();
int[] alerts = Enumerable.Range(TrainSteps, rows.Count - TrainSteps).Where(t => predictions[t][0] == 1).ToArray();
var events = rows.Select((r, t) => (r, t)).Where(x => x.t > 0 && truth[x.t] && !truth[x.t - 1]).Select(x => x.t).ToArray();
int caught = events.Count(start => alerts.Any(a => a >= start && a < start + EventLength(start) + detector.WindowSize));
int falseAlerts = alerts.Count(a => !Enumerable.Range(Math.Max(0, a - detector.WindowSize + 1), detector.WindowSize).Any(t => truth[t]));
Console.WriteLine($"Alerts after step {TrainSteps}: {alerts.Length} steps; {caught} of {events.Length} injected anomalies caught " +
    $"(an alert while the anomaly is inside the window); {falseAlerts} alerts with no anomaly in their window.");

// The same detector, one step at a time: what a live feed would call for each new reading. The engine needs
// only the last WindowSize − 1 steps, so it starts WindowSize − 1 steps before the part it is compared on.
int compared = arguments.Quick ? 200 : rows.Count - TrainSteps;
int feedStart = rows.Count - compared - (detector.WindowSize - 1);
TimeSeriesAnomalyEngine engine = detector.CreateOnlineEngine();
var clock = Stopwatch.StartNew();
int sameAlert = 0;
double maxDifference = 0;
for (int t = feedStart; t < rows.Count; t++)
{
    double[] online = engine.Process(rows[t].Value);
    if (t < rows.Count - compared)
        continue;
    sameAlert += online[0] == predictions[t][0] ? 1 : 0;
    maxDifference = Math.Max(maxDifference, Math.Abs(online[1] - predictions[t][1]));
}
Console.WriteLine($"Online engine: {engine.RowsProcessed} steps one at a time, {clock.Elapsed.TotalMilliseconds / engine.RowsProcessed:F2} ms per step; " +
    $"on the last {compared} steps {sameAlert} alerts agree with Transform, largest raw-score difference {maxDifference:G3}.");

// Plot: signal with true anomalies and alerts; raw score; −log10 p-value against the alert threshold.
double[] time = SamplePlots.Steps(rows.Count);
double threshold = -Math.Log10(1 - options.Confidence / 100);
var figure = new Multiplot();
figure.AddPlots(3);
figure.Layout = new ScottPlot.MultiplotLayouts.Grid(3, 1);
Plot signal = figure.GetPlot(0), score = figure.GetPlot(1), pValue = figure.GetPlot(2);
foreach (int start in events)
{
    var span = signal.Add.HorizontalSpan(start, start + EventLength(start));
    span.FillStyle.Color = Colors.Orange.WithAlpha(0.3);
}
signal.Add.VerticalLine(TrainSteps, color: Colors.Gray, pattern: LinePattern.Dashed).Text = "training | live";
signal.Add.SignalXY(time, rows.Select(r => (double)r.Value).ToArray()).LegendText = "sensor value";
var alertMarks = signal.Add.ScatterPoints(alerts.Select(a => (double)a).ToArray(), alerts.Select(a => (double)rows[a].Value).ToArray(), Colors.Red);
alertMarks.LegendText = "alert";
alertMarks.MarkerSize = 4;
signal.Title("Sensor signal (orange: injected anomalies, red: alerts)");
signal.ShowLegend(Alignment.UpperLeft);
score.Add.SignalXY(time, predictions.Select(p => p[1]).ToArray());
score.Title($"Raw score: reconstruction error of the last {detector.WindowSize} steps");
var p = pValue.Add.SignalXY(time, predictions.Select(x => -Math.Log10(x[2])).ToArray());
p.LegendText = "-log10 p-value";
pValue.Add.HorizontalLine(threshold, color: Colors.Red, pattern: LinePattern.Dashed).LegendText = $"alert threshold (confidence {options.Confidence}%)";
pValue.Title("Score as -log10 p-value among held-out training windows");
pValue.XLabel("time step");
pValue.ShowLegend(Alignment.UpperLeft);
SamplePlots.Save(figure, arguments.OutputPath("streaming-anomalies.png"), 1400, 900);

int EventLength(int start)
{
    int t = start;
    while (t < truth.Length && truth[t])
        t++;
    return t - start;
}

/// <summary>One time step of the sensor.</summary>
internal sealed class SensorReading
{
    public float Value { get; set; }

    public float Label { get; set; }
}
