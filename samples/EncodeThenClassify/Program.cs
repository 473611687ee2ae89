using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.Samples;
using ScottPlot;

// Encode then classify, on sequences ordinary ML.NET trainers cannot take as they are: JapaneseVowels (UEA archive),
// nine speakers saying "ae", 12 cepstrum coefficients per frame, 7 to 29 frames per utterance. An LSTM autoencoder
// learns fixed-length encodings of the training utterances without labels (EncodeSequences, default options: only
// the 12 features per step are given); an ML.NET classifier then learns the speaker from the encodings, next to the
// same classifier on the raw values, which must first be zero-padded to one length. A PCA of the test encodings is
// plotted by speaker (encodings-pca.png).
// Usage: dotnet run -c Release --project samples/EncodeThenClassify [-- --epochs N] [--quick] [--out DIR]

var arguments = SampleArguments.Parse(args, "EncodeThenClassify");
int epochs = arguments.EpochsOr(full: new SequenceEncodingOptions().Epochs, quick: 2);
const int Features = 12;

var train = BundledData.ReadLabeledSequences(SampleArguments.DataPath("JapaneseVowels_TRAIN.csv.gz"));
var test = BundledData.ReadLabeledSequences(SampleArguments.DataPath("JapaneseVowels_TEST.csv.gz"));
if (arguments.Quick)
{
    train = train.Where((_, i) => i % 3 == 0).ToList();
    test = test.Where((_, i) => i % 3 == 0).ToList();
}
int longest = train.Max(r => r.Values.Length);
Console.WriteLine($"JapaneseVowels: {train.Count} training and {test.Count} test utterances of {Features} features per frame, " +
    $"{train.Concat(test).Min(r => r.Values.Length) / Features} to {train.Concat(test).Max(r => r.Values.Length) / Features} frames " +
    $"(raw values zero-padded to the longest training utterance, {longest / Features} frames = {longest} values)");

var mlContext = new MLContext(seed: 1);
mlContext.Log += (_, e) =>
{
    if (e.Kind == ChannelMessageKind.Info && e.Source.StartsWith(nameof(SequenceEncodingEstimator), StringComparison.Ordinal) && e.RawMessage.StartsWith("Epoch", StringComparison.Ordinal))
        Console.WriteLine($"  {e.RawMessage}");
};
IDataView Load(IEnumerable<(string Label, float[] Values)> rows)
{
    var definition = SchemaDefinition.Create(typeof(Utterance));
    definition[nameof(Utterance.Padded)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, longest);
    return mlContext.Data.LoadFromEnumerable(rows.Select(r => new Utterance
    {
        Speaker = r.Label,
        Frames = r.Values,
        Padded = r.Values.Concat(Enumerable.Repeat(0f, Math.Max(0, longest - r.Values.Length))).Take(longest).ToArray(),
    }).ToList(), definition);
}
IDataView trainView = Load(train), testView = Load(test);

Console.WriteLine($"Training the autoencoder on the training utterances, each at its own length (labels unused), {epochs} epochs:");
using SequenceEncodingTransformer encoder = mlContext.Transforms.EncodeSequences(new SequenceEncodingOptions
{
    InputColumnName = nameof(Utterance.Frames),
    FeaturesPerStep = Features,
    Epochs = epochs,
}).Fit(trainView);

double Accuracy(string features)
{
    var pipeline = mlContext.Transforms.Conversion.MapValueToKey("SpeakerKey", nameof(Utterance.Speaker))
        .Append(mlContext.Transforms.NormalizeMeanVariance(features))
        .Append(mlContext.MulticlassClassification.Trainers.LbfgsMaximumEntropy("SpeakerKey", features));
    var model = pipeline.Fit(encoder.Transform(trainView));
    return mlContext.MulticlassClassification.Evaluate(model.Transform(encoder.Transform(testView)), "SpeakerKey").MicroAccuracy;
}

double raw = Accuracy(nameof(Utterance.Padded));
double encoded = Accuracy("Encoding");
Console.WriteLine($"Speaker accuracy on the test utterances, LbfgsMaximumEntropy after NormalizeMeanVariance:");
Console.WriteLine($"  raw values, zero-padded ({longest} values):            {raw:F3}");
Console.WriteLine($"  encodings ({encoder.OutputSize} values: {encoder.ReadoutSegments} segment means of {encoder.OutputSize / encoder.ReadoutSegments} LSTM units): {encoded:F3}");

// A 2-D view of the encodings: ML.NET's PCA fitted on the test encodings, one colour per speaker.
IDataView testEncoded = encoder.Transform(testView);
var pca = mlContext.Transforms.ProjectToPrincipalComponents("Pca", "Encoding", rank: 2, seed: 1).Fit(testEncoded);
IDataView projected = pca.Transform(testEncoded);
string[] speakers = projected.GetColumn<string>(nameof(Utterance.Speaker)).ToArray();
float[][] points = projected.GetColumn<float[]>("Pca").ToArray();
var plot = new Plot();
foreach (string speaker in speakers.Distinct().OrderBy(s => s, StringComparer.Ordinal))
{
    double[] xs = points.Where((_, i) => speakers[i] == speaker).Select(p => (double)p[0]).ToArray();
    double[] ys = points.Where((_, i) => speakers[i] == speaker).Select(p => (double)p[1]).ToArray();
    var scatter = plot.Add.ScatterPoints(xs, ys);
    scatter.LegendText = $"speaker {speaker}";
    scatter.MarkerSize = 6;
}
plot.Title($"JapaneseVowels test encodings by speaker, first two principal components\n" +
    $"speaker accuracy: encodings {encoded:F3}, raw padded values {raw:F3} (same classifier)");
plot.XLabel("PC 1");
plot.YLabel("PC 2");
plot.ShowLegend();
SamplePlots.Save(plot, arguments.OutputPath("encodings-pca.png"), 900, 650);

/// <summary>One utterance: the speaker, its frames (12 values each, any number of frames) and the same zero-padded.</summary>
internal sealed class Utterance
{
    public string Speaker { get; set; }

    [VectorType]
    public float[] Frames { get; set; }

    public float[] Padded { get; set; }
}
