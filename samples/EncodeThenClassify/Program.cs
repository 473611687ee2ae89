using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.Samples;
using ScottPlot;

// Encode then classify: an LSTM autoencoder learns fixed-length encodings of heartbeat-like sequences
// (samples/data/heartbeats.csv, 900 beats of 64 steps, 3 classes) without labels; an ML.NET
// classifier is then trained on the encodings and compared with the same classifier on raw values.
// A PCA of the held-out encodings is plotted by class (encodings-pca.png).
// Usage: dotnet run -c Release --project samples/EncodeThenClassify [-- --epochs N] [--quick] [--out DIR]

var arguments = SampleArguments.Parse(args, "EncodeThenClassify");
int epochs = arguments.EpochsOr(full: 80, quick: 2);
string path = SampleArguments.DataPath("heartbeats.csv");

var mlContext = new MLContext(seed: 1);
mlContext.Log += (_, e) =>
{
    if (e.Kind == ChannelMessageKind.Info && e.Source.StartsWith(nameof(SequenceEncodingEstimator), StringComparison.Ordinal))
        Console.WriteLine($"  {e.RawMessage}");
};

IDataView data = mlContext.Data.LoadFromTextFile<Heartbeat>(path, separatorChar: ',');
if (arguments.Quick)
    data = mlContext.Data.TakeRows(data, 300);
var split = mlContext.Data.TrainTestSplit(data, testFraction: 0.3, seed: 1);
Console.WriteLine($"Loaded {data.GetColumn<float>(nameof(Heartbeat.Label)).Count()} beats of {Heartbeat.Steps} steps from {path}");

Console.WriteLine("Training the autoencoder on the training beats (labels unused):");
using SequenceEncodingTransformer encoder = mlContext.Transforms.EncodeSequences(new SequenceEncodingOptions
{
    InputColumnName = nameof(Heartbeat.Values),
    OutputColumnName = "Encoding",
    EncodingSize = 16,
    HiddenSizes = new[] { 48 },
    Epochs = epochs,
    ReconstructionErrorColumnName = "ReconstructionError",
}).Fit(split.TrainSet);

IDataView testEncoded = encoder.Transform(split.TestSet);
float[] errors = testEncoded.GetColumn<float>("ReconstructionError").ToArray();
Console.WriteLine($"Final reconstruction error on {errors.Length} held-out beats: {errors.Average():F4} " +
    "(mean squared error in standardized units; 1.0 = predicting the mean)");

double Accuracy(string features)
{
    var pipeline = mlContext.Transforms.Conversion.MapValueToKey("LabelKey", nameof(Heartbeat.Label))
        .Append(mlContext.Transforms.NormalizeMeanVariance(features))
        .Append(mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", features));
    var model = pipeline.Fit(encoder.Transform(split.TrainSet));
    return mlContext.MulticlassClassification.Evaluate(model.Transform(testEncoded), "LabelKey").MacroAccuracy;
}

Console.WriteLine($"Classifier accuracy on {Heartbeat.Steps} raw values:   {Accuracy(nameof(Heartbeat.Values)):F3}");
Console.WriteLine($"Classifier accuracy on {encoder.EncodingSize} encoding values: {Accuracy("Encoding"):F3}");

// A 2-D view of the encodings: ML.NET's PCA (fitted on the held-out encodings), one colour per class.
var pca = mlContext.Transforms.ProjectToPrincipalComponents("Pca", "Encoding", rank: 2, seed: 1).Fit(testEncoded);
IDataView projected = pca.Transform(testEncoded);
float[] labels = projected.GetColumn<float>(nameof(Heartbeat.Label)).ToArray();
float[][] points = projected.GetColumn<float[]>("Pca").ToArray();
string[] classNames = { "normal", "ventricular", "atrial" };
var plot = new Plot();
for (int c = 0; c < classNames.Length; c++)
{
    double[] xs = points.Where((_, i) => labels[i] == c).Select(p => (double)p[0]).ToArray();
    double[] ys = points.Where((_, i) => labels[i] == c).Select(p => (double)p[1]).ToArray();
    var scatter = plot.Add.ScatterPoints(xs, ys);
    scatter.LegendText = $"{classNames[c]} ({xs.Length})";
    scatter.MarkerSize = 6;
}
plot.Title($"Held-out heartbeat encodings ({encoder.EncodingSize} values), first two principal components");
plot.XLabel("PC 1");
plot.YLabel("PC 2");
plot.ShowLegend();
SamplePlots.Save(plot, arguments.OutputPath("encodings-pca.png"), 800, 600);

/// <summary>One beat: the class, then the samples.</summary>
internal sealed class Heartbeat
{
    public const int Steps = 64;

    [LoadColumn(0)]
    public float Label { get; set; }

    [LoadColumn(1, Steps), VectorType(Steps)]
    public float[] Values { get; set; }
}
