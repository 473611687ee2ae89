using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.Samples;
using ScottPlot;

// The recipes of the Keras LSTM-autoencoder tutorials, each a few lines of SequenceEncodingOptions:
// reconstruction, reverse reconstruction, prediction (output length ≠ input length), composite,
// conditional decoder, one-to-many decoding of an encoding, and the trained encoder reused alone.
// Data: noisy sine waves of random frequency, phase and amplitude, made here with a fixed seed. Each recipe
// prints its held-out error next to a naive baseline; the plot has one panel per recipe (keras-recipes.png).
// Usage: dotnet run -c Release --project samples/KerasRecipes [-- --epochs N] [--quick] [--out DIR]

var arguments = SampleArguments.Parse(args, "KerasRecipes");
const int InputSteps = 20, FutureSteps = 10;
var random = new Random(7);
Wave MakeWave()
{
    double frequency = 0.03 + 0.07 * random.NextDouble(), phase = 2 * Math.PI * random.NextDouble(), amplitude = 0.5 + random.NextDouble();
    float[] all = Enumerable.Range(0, InputSteps + FutureSteps)
        .Select(t => (float)(amplitude * Math.Sin(2 * Math.PI * frequency * t + phase) + 0.05 * (random.NextDouble() - 0.5)))
        .ToArray();
    return new Wave { Input = all[..InputSteps], Full = all, Frequency = (float)frequency };
}
var train = Enumerable.Range(0, arguments.Quick ? 100 : 500).Select(_ => MakeWave()).ToList();
var test = Enumerable.Range(0, 100).Select(_ => MakeWave()).ToList();

var mlContext = new MLContext(seed: 1);
var schema = SchemaDefinition.Create(typeof(Wave));
schema[nameof(Wave.Input)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, InputSteps);
schema[nameof(Wave.Full)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, InputSteps + FutureSteps);
IDataView trainData = mlContext.Data.LoadFromEnumerable(train, schema), testData = mlContext.Data.LoadFromEnumerable(test, schema);
int epochs = arguments.EpochsOr(full: 40, quick: 1);
Console.WriteLine($"{train.Count} training and {test.Count} held-out sine waves of {InputSteps} (+{FutureSteps} future) steps; {epochs} epochs per recipe.");

// Shared network size; each recipe sets only what makes it that recipe.
// As in the Keras recipes, the encoding column is the code itself (the decoders' starting point), not the
// library's default segment-mean readout, so that step 6 can decode it.
SequenceEncodingOptions Recipe(string input) => new SequenceEncodingOptions
{
    InputColumnName = input, EncodingSize = 8, HiddenSizes = new[] { 32 }, Epochs = epochs, Seed = 1, Readout = SequenceEncodingReadout.Code,
};
float[][] Column(IDataView view, string name) => view.GetColumn<float[]>(name).ToArray();
double Mse(IEnumerable<float[]> outputs, IEnumerable<float[]> targets)
    => outputs.Zip(targets, (o, t) => o.Zip(t, (a, b) => (double)(a - b) * (a - b)).Average()).Average();
float[][] inputs = test.Select(w => w.Input).ToArray(), futures = test.Select(w => w.Full[InputSteps..]).ToArray();
float mean = train.SelectMany(w => w.Input).Average();
double meanBaseline = Mse(inputs.Select(x => x.Select(_ => mean).ToArray()), inputs);
double lastValueBaseline = Mse(inputs.Select(x => Enumerable.Repeat(x[^1], FutureSteps).ToArray()), futures);
var panels = new List<(string Title, float[] Target, float[] Output, int OutputStart)>();
void Print(string recipe, double error, string baseline, double baselineError)
    => Console.WriteLine($"{recipe,-22} held-out MSE {error:F4}   ({baseline} {baselineError:F4})");

// 1. Reconstruction: rebuild the input in input order.
var o1 = Recipe(nameof(Wave.Input));
o1.ReverseReconstruction = false;
o1.ReconstructionColumnName = "Reconstruction";
using (var m = mlContext.Transforms.EncodeSequences(o1).Fit(trainData))
{
    float[][] r = Column(m.Transform(testData), "Reconstruction");
    Print("1 reconstruction", Mse(r, inputs), "predicting the mean:", meanBaseline);
    panels.Add(("1 reconstruction", inputs[0], r[0], 0));
}

// 2. Reverse reconstruction (Srivastava et al.): the decoder rebuilds last step first; outputs stay in input order.
var o2 = Recipe(nameof(Wave.Input));
o2.ReverseReconstruction = true;
o2.ReconstructionColumnName = "Reconstruction";
using var reverse = mlContext.Transforms.EncodeSequences(o2).Fit(trainData);
{
    float[][] r = Column(reverse.Transform(testData), "Reconstruction");
    Print("2 reverse", Mse(r, inputs), "predicting the mean:", meanBaseline);
    panels.Add(("2 reverse reconstruction", inputs[0], r[0], 0));
}

// 3. Prediction: read 20 steps, output the next 10 (the row holds 30; the last PredictionLength are the target).
var o3 = Recipe(nameof(Wave.Full));
o3.Mode = SequenceAutoencoderMode.Prediction;
o3.PredictionLength = FutureSteps;
o3.ForecastColumnName = "Forecast";
using (var m = mlContext.Transforms.EncodeSequences(o3).Fit(trainData))
{
    float[][] f = Column(m.Transform(testData), "Forecast");
    Print("3 prediction", Mse(f, futures), "repeating the last value:", lastValueBaseline);
    panels.Add(("3 prediction (20 in, 10 out)", test[0].Full, f[0], InputSteps));
}

// 4. Composite: one encoder, two decoders (reconstruction and prediction), trained on the sum of both losses.
var o4 = Recipe(nameof(Wave.Full));
o4.Mode = SequenceAutoencoderMode.Composite;
o4.PredictionLength = FutureSteps;
o4.ReconstructionColumnName = "Reconstruction";
o4.ForecastColumnName = "Forecast";
using (var m = mlContext.Transforms.EncodeSequences(o4).Fit(trainData))
{
    IDataView scored = m.Transform(testData);
    float[][] r = Column(scored, "Reconstruction"), f = Column(scored, "Forecast");
    Print("4 composite: rebuild", Mse(r, inputs), "predicting the mean:", meanBaseline);
    Print("4 composite: predict", Mse(f, futures), "repeating the last value:", lastValueBaseline);
    panels.Add(("4 composite", test[0].Full, r[0].Concat(f[0]).ToArray(), 0));
}

// 5. Conditional decoder: each decoder step also sees the previous output (teacher-forced in training).
var o5 = Recipe(nameof(Wave.Input));
o5.ConditionalDecoder = true;
o5.ReconstructionColumnName = "Reconstruction";
using (var m = mlContext.Transforms.EncodeSequences(o5).Fit(trainData))
{
    float[][] r = Column(m.Transform(testData), "Reconstruction");
    Print("5 conditional decoder", Mse(r, inputs), "predicting the mean:", meanBaseline);
    panels.Add(("5 conditional decoder", inputs[0], r[0], 0));
}

// 6. One-to-many: decode encodings (one vector each) into sequences with recipe 2's decoder.
IDataView encoded = reverse.Transform(testData);
using (var decoder = mlContext.Transforms.DecodeSequences(reverse, "Decoded", "Encoding", InputSteps).Fit(encoded))
{
    float[][] d = Column(decoder.Transform(encoded), "Decoded");
    Print("6 one-to-many decode", Mse(d, inputs), "predicting the mean:", meanBaseline);
    panels.Add(($"6 one-to-many: {reverse.EncodingSize} values -> {InputSteps} steps", inputs[0], d[0], 0));
}

// 7. The encoder alone: recipe 2's transformer as a feature extractor; a linear model reads each wave's
//    frequency from its 8-value encoding.
var regression = mlContext.Transforms.NormalizeMeanVariance("Encoding")
    .Append(mlContext.Regression.Trainers.Sdca(labelColumnName: nameof(Wave.Frequency), featureColumnName: "Encoding", maximumNumberOfIterations: 50));
var frequencyModel = regression.Fit(mlContext.Data.Cache(reverse.Transform(trainData)));   // cached: the encoder runs once
var metrics = mlContext.Regression.Evaluate(frequencyModel.Transform(encoded), labelColumnName: nameof(Wave.Frequency));
float[] predicted = frequencyModel.Transform(encoded).GetColumn<float>("Score").ToArray();
double frequencyVariance = test.Select(w => (double)w.Frequency).Select(f => (f - test.Average(w => w.Frequency)) * (f - test.Average(w => w.Frequency))).Average();
Console.WriteLine($"{"7 encoder alone",-22} frequency from the encoding: MSE {metrics.MeanSquaredError:G3}, R² {metrics.RSquared:F3}   (predicting the mean: {frequencyVariance:G3})");

var figure = new Multiplot();
figure.AddPlots(7);
figure.Layout = new ScottPlot.MultiplotLayouts.Grid(4, 2);
for (int i = 0; i < panels.Count; i++)
{
    var (title, target, output, start) = panels[i];
    Plot plot = figure.GetPlot(i);
    var wave = plot.Add.ScatterLine(SamplePlots.Steps(target.Length), target.ToDoubles());
    var line = plot.Add.ScatterLine(SamplePlots.Steps(output.Length, start), output.ToDoubles());
    line.LinePattern = LinePattern.Dashed;
    plot.Title(title);
    if (i == 0)   // one legend for all panels
    {
        wave.LegendText = "held-out wave";
        line.LegendText = "model output";
        plot.ShowLegend(Alignment.UpperRight);
    }
}
Plot last = figure.GetPlot(6);
last.Add.ScatterPoints(test.Select(w => (double)w.Frequency).ToArray(), predicted.ToDoubles());
last.Title($"7 encoder alone: frequency from the encoding (R² {metrics.RSquared:F2})");
last.XLabel("true frequency");
last.YLabel("predicted");
SamplePlots.Save(figure, arguments.OutputPath("keras-recipes.png"), 1200, 1300);

/// <summary>One wave: the 20 input steps, all 30 steps, and its frequency.</summary>
internal sealed class Wave
{
    public float[] Input { get; set; }

    public float[] Full { get; set; }

    public float Frequency { get; set; }
}
