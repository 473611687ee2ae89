using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.Samples;
using ScottPlot;

// The README's main job: abnormal heartbeats in real ECG data, the best-known autoencoder task. ECG5000 (UCR archive,
// Dau et al. 2019; one patient's ECG from the BIDMC Congestive Heart Failure Database, PhysioNet; bundled gzip-compressed
// in samples/data: the UCR TRAIN split, and the TEST split minus one class-1 row at float32 precision). Class 1 is a
// normal beat; classes 2-5 are abnormal. An LSTM autoencoder (AnomalyDetection.Trainers.LstmAutoencoder, default
// options) learns the normal beats of TRAIN only; every TEST beat is scored. ML.NET's built-in RandomizedPca, trained
// on the same beats, is measured in the same run. Prints AUC-PR, ROC-AUC and precision/recall at each model's own
// threshold; plots a normal and an abnormal beat with their reconstructions, and both models' score histograms.
// Usage: dotnet run -c Release --project samples/DetectAbnormalHeartbeats [-- --epochs N] [--quick] [--out DIR]

var arguments = SampleArguments.Parse(args, "DetectAbnormalHeartbeats");
var clock = Stopwatch.StartNew();
var trainRows = BundledData.ReadLabeledSequences(SampleArguments.DataPath("ECG5000_TRAIN.csv.gz"));
var testRows = BundledData.ReadLabeledSequences(SampleArguments.DataPath("ECG5000_TEST.csv.gz"));
int steps = trainRows[0].Values.Length;
var normalTrain = trainRows.Where(r => r.Label == "1").Select(r => new Beat { Features = r.Values, Label = 0 }).ToList();
var test = testRows.Select(r => new Beat { Features = r.Values, Label = r.Label == "1" ? 0 : 1 }).ToList();
if (arguments.Quick)
{
    normalTrain = normalTrain.Take(60).ToList();
    test = test.Where((_, i) => i % 20 == 0).ToList();   // the TEST file is sorted by class: every 20th beat keeps both
}

var mlContext = new MLContext(seed: 1);
mlContext.Log += (_, e) =>
{
    if (e.Kind == ChannelMessageKind.Info && e.RawMessage.StartsWith("Epoch", StringComparison.Ordinal))
        Console.WriteLine($"  {e.RawMessage}");
};
var schema = SchemaDefinition.Create(typeof(Beat));
schema[nameof(Beat.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, steps);
IDataView trainData = mlContext.Data.LoadFromEnumerable(normalTrain, schema);
IDataView testData = mlContext.Data.LoadFromEnumerable(test, schema);
int abnormal = test.Count(b => b.Label == 1);
Console.WriteLine($"ECG5000: training on the {normalTrain.Count} normal beats of TRAIN ({steps} steps each); " +
    $"scoring {test.Count} TEST beats ({test.Count - abnormal} normal, {abnormal} abnormal).");

// The library: an LSTM autoencoder with its default options, trained on normal beats only.
var options = new SequenceAnomalyOptions { FeatureColumnName = nameof(Beat.Features), Seed = 1 };
options.Epochs = arguments.EpochsOr(full: options.Epochs, quick: 2);
var lstm = mlContext.AnomalyDetection.Trainers.LstmAutoencoder(options).Fit(trainData);
IDataView lstmScored = lstm.Transform(testData);
var lstmResult = Measure("LSTM autoencoder (LstmAutoencoder)", lstmScored);

// The ML.NET built-in a user would otherwise reach for, on the same beats, default options.
var pca = mlContext.AnomalyDetection.Trainers.RandomizedPca(nameof(Beat.Features)).Fit(trainData);
var pcaResult = Measure("ML.NET RandomizedPca (rank 20)", pca.Transform(testData));
Console.WriteLine($"AUC-PR: LSTM {lstmResult.AucPr:F3} vs RandomizedPca {pcaResult.AucPr:F3} (a random ranking scores {abnormal / (double)test.Count:F3}).");

// Each model's own threshold is strict (the LSTM's: the 99% quantile of held-out normal beats). Another operating point,
// set without test labels: flag what scores above 90% of the normal TRAIN beats (ChangeModelThreshold).
float Train90(ITransformer model)
{
    float[] sorted = model.Transform(trainData).GetColumn<float>("Score").OrderBy(v => v).ToArray();   // one pass
    return sorted[(int)(0.9 * (sorted.Length - 1))];
}
Measure("LSTM autoencoder, threshold at 90% of normal TRAIN scores",
    mlContext.AnomalyDetection.ChangeModelThreshold(lstm, Train90(lstm)).Transform(testData));
Measure("RandomizedPca, threshold at 90% of normal TRAIN scores",
    mlContext.AnomalyDetection.ChangeModelThreshold(pca, Train90(pca)).Transform(testData));

// Reconstructions for the plot: the anomaly model does not output them, so an encoder with the same network options is
// trained on the same normal beats (EncodeSequences with a reconstruction column).
using var reconstructor = mlContext.Transforms.EncodeSequences(new SequenceEncodingOptions
{
    InputColumnName = nameof(Beat.Features),
    Epochs = options.Epochs,
    Seed = 1,
    ReconstructionColumnName = "Reconstruction",
}).Fit(trainData);
float[][] values = test.Select(b => b.Features).ToArray();
float[][] reconstructions = reconstructor.Transform(testData).GetColumn<float[]>("Reconstruction").ToArray();

// A typical normal beat and a typical caught abnormal one (median scores), not the easiest.
int Median(IEnumerable<int> rows) => rows.OrderBy(i => lstmResult.Scores[i]).ToArray() is var sorted && sorted.Length > 0 ? sorted[sorted.Length / 2] : 0;
int normalRow = Median(Enumerable.Range(0, test.Count).Where(i => test[i].Label == 0));
var caught = Enumerable.Range(0, test.Count).Where(i => test[i].Label == 1 && lstmResult.Flagged[i]).ToList();
int abnormalRow = Median(caught.Count > 0 ? caught : Enumerable.Range(0, test.Count).Where(i => test[i].Label == 1));

var figure = new Multiplot();
figure.AddPlots(4);
figure.Layout = new ScottPlot.MultiplotLayouts.Grid(2, 2);
double[] xs = SamplePlots.Steps(steps);
foreach (var (row, panel, title) in new[] { (normalRow, 0, "Normal beat"), (abnormalRow, 1, "Abnormal beat") })
{
    Plot plot = figure.GetPlot(panel);
    plot.Add.ScatterLine(xs, values[row].ToDoubles()).LegendText = "input";
    var rebuilt = plot.Add.ScatterLine(xs, reconstructions[row].ToDoubles());
    rebuilt.LegendText = "reconstruction";
    rebuilt.LinePattern = LinePattern.Dashed;
    plot.Title($"{title} (class {testRows[row].Label}), LSTM score {lstmResult.Scores[row]:F2}{(lstmResult.Flagged[row] ? ", flagged" : "")}");
    plot.XLabel("step");
    plot.ShowLegend();
}
foreach (var (result, panel, threshold) in new[] { (lstmResult, 2, 0.5), (pcaResult, 3, pcaResult.Threshold) })
{
    Plot plot = figure.GetPlot(panel);
    double max = result.Scores.Max(), min = result.Scores.Min();
    foreach (var (label, name) in new[] { (0f, "normal"), (1f, "abnormal") })
    {
        var histogram = ScottPlot.Statistics.Histogram.WithBinCount(40, min, max + 1e-9);
        histogram.AddRange(result.Scores.Where((_, i) => test[i].Label == label).Select(s => (double)s));
        var bars = plot.Add.Bars(histogram.Bins, histogram.Counts);
        bars.LegendText = name;
        bars.Color = label == 1 ? Colors.OrangeRed.WithAlpha(0.6) : Colors.SteelBlue.WithAlpha(0.6);
        foreach (var bar in bars.Bars)
            bar.Size = histogram.FirstBinSize * 0.9;
    }
    plot.Add.VerticalLine(threshold, 2, Colors.Black).LegendText = "threshold";
    plot.Title($"{result.Name}: scores of the test beats");
    plot.XLabel("Score");
    plot.ShowLegend();
}
SamplePlots.Save(figure, arguments.OutputPath("abnormal-heartbeats.png"), 1400, 900);
Console.WriteLine($"Done in {clock.Elapsed.TotalSeconds:F0} s.");

Result Measure(string name, IDataView scored)
{
    // One pass over the scored view (each column read separately would score every beat again).
    var rows = mlContext.Data.CreateEnumerable<ScoredBeat>(scored, reuseRowObject: false).ToList();
    float[] scores = rows.Select(r => r.Score).ToArray();
    bool[] flagged = rows.Select(r => r.PredictedLabel).ToArray();
    bool[] truth = rows.Select(r => r.Label == 1).ToArray();
    var metrics = mlContext.AnomalyDetection.Evaluate(mlContext.Data.LoadFromEnumerable(rows));
    int tp = flagged.Where((f, i) => f && truth[i]).Count();
    int fp = flagged.Where((f, i) => f && !truth[i]).Count();
    int fn = flagged.Where((f, i) => !f && truth[i]).Count();
    double precision = tp + fp == 0 ? 0 : (double)tp / (tp + fp), recall = tp + fn == 0 ? 0 : (double)tp / (tp + fn);
    double accuracy = (double)flagged.Where((f, i) => f == truth[i]).Count() / truth.Length;
    double aucPr = AveragePrecision(scores, truth);
    Console.WriteLine($"{name}: AUC-PR {aucPr:F3}, ROC-AUC {metrics.AreaUnderRocCurve:F3}; at its threshold {tp + fp} flagged: " +
        $"precision {precision:F3}, recall {recall:F3}, accuracy {accuracy:F3} ({clock.Elapsed.TotalSeconds:F0} s)");
    // The score at which this model flags: the smallest flagged score (RandomizedPca's threshold is internal to ML.NET).
    double threshold = flagged.Any(f => f) ? scores.Where((_, i) => flagged[i]).Min() : scores.Max();
    return new Result(name, scores, flagged, aucPr, threshold);
}

// Average precision: the mean, over the abnormal beats, of the precision among the beats scored at least as high.
static double AveragePrecision(float[] scores, bool[] truth)
{
    int positives = truth.Count(t => t);
    if (positives == 0)
        return 0;
    var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
    double sum = 0;
    int seen = 0, hits = 0;
    for (int k = 0; k < order.Length;)
    {
        // Ties share one cut.
        int end = k;
        while (end < order.Length && scores[order[end]] == scores[order[k]])
            end++;
        int tiedHits = 0;
        for (int j = k; j < end; j++)
            tiedHits += truth[order[j]] ? 1 : 0;
        seen += end - k;
        hits += tiedHits;
        sum += tiedHits * (double)hits / seen;
        k = end;
    }
    return sum / positives;
}

/// <summary>One beat: 140 samples and whether it is abnormal (class 2-5).</summary>
internal sealed class Beat
{
    public float[] Features { get; set; }

    /// <summary>1 for an abnormal beat, 0 for a normal one (ML.NET's anomaly evaluator reads a Single label).</summary>
    public float Label { get; set; }
}

/// <summary>The columns of a scored beat that the metrics read.</summary>
internal sealed class ScoredBeat
{
    public float Label { get; set; }

    public float Score { get; set; }

    public bool PredictedLabel { get; set; }
}

/// <summary>What a model did on the test beats.</summary>
internal sealed record Result(string Name, float[] Scores, bool[] Flagged, double AucPr, double Threshold);
