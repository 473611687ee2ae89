using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Quality
{
    /// <summary>UCR ECG5000 as the fine-tuning benchmark reads it: 140 values per row, a trainer's accuracy on one column.</summary>
    internal static class Ecg5000
    {
        internal const int Steps = 140;

        /// <summary>Autoencoder epochs of the fine-tuning benchmark.</summary>
        internal const int Epochs = 40;

        /// <summary>Multiclass micro accuracy of MapValueToKey → NormalizeMeanVariance → the trainer (LbfgsMaximumEntropy or LightGbm) on one column.</summary>
        internal static double Accuracy(MLContext ml, IDataView fit, IDataView evaluate, string features, string trainer = "lbfgs")
        {
            var prefix = ml.Transforms.Conversion.MapValueToKey("LabelKey", nameof(EcgRow.Label))
                .Append(ml.Transforms.NormalizeMeanVariance("Normalized", features));
            IEstimator<ITransformer> classifier = trainer switch
            {
                "lightgbm" => ml.MulticlassClassification.Trainers.LightGbm("LabelKey", "Normalized"),
                _ => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Normalized"),
            };
            var pipeline = prefix.Append(classifier);
            var model = pipeline.Fit(fit);
            return ml.MulticlassClassification.Evaluate(model.Transform(evaluate), "LabelKey").MicroAccuracy;
        }

        internal static IDataView Load(MLContext ml, List<EcgRow> rows)
        {
            var definition = SchemaDefinition.Create(typeof(EcgRow));
            definition[nameof(EcgRow.Values)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Steps);
            return ml.Data.LoadFromEnumerable(rows, definition);
        }

        internal static List<EcgRow> Read(string path)
        {
            var rows = new List<EcgRow>();
            foreach (string line in File.ReadLines(path))
            {
                if (line.Length == 0)
                    continue;
                string[] fields = line.Split(',');
                if (fields.Length != Steps + 1)
                    throw new BenchmarkSetupException($"{path}: expected {Steps + 1} fields, found {fields.Length}.");
                rows.Add(new EcgRow
                {
                    Label = float.Parse(fields[0], CultureInfo.InvariantCulture),
                    Values = fields.Skip(1).Select(f => float.Parse(f, CultureInfo.InvariantCulture)).ToArray(),
                });
            }
            return rows;
        }

        /// <summary>One ECG5000 beat: the class (1..5), then 140 values.</summary>
        internal sealed class EcgRow
        {
            public float Label { get; set; }

            public float[] Values { get; set; }
        }
    }
}
