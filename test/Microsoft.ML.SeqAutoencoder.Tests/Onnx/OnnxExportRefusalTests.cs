using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Onnx
{
    /// <summary>
    /// The stages without ONNX export (the anomaly trainer, the streaming detector, decoding, step errors): <c>ConvertToOnnx</c> must say so,
    /// naming the stage and the columns, instead of writing a graph in which the stage's outputs are inputs or Identity nodes.
    /// </summary>
    public sealed class OnnxExportRefusalTests
    {
        private const int Steps = 12;

        private sealed class Row
        {
            [VectorType(Steps)]
            public float[] Features { get; set; }

            public float Label { get; set; }

            public float Value { get; set; }
        }

        private static (MLContext Ml, IDataView Data) Data()
        {
            var ml = new MLContext(seed: 1);
            var rows = Enumerable.Range(0, 80).Select(i => new Row
            {
                Features = Enumerable.Range(0, Steps).Select(t => MathF.Sin(0.5f * t + i)).ToArray(),
                Label = i % 2,
                Value = MathF.Sin(i * 0.3f),
            }).ToArray();
            return (ml, ml.Data.LoadFromEnumerable(rows));
        }

        private static NotSupportedException Refused(MLContext ml, ITransformer model, IDataView data)
        {
            var e = Record.Exception(() => ml.Model.ConvertToOnnx(model, data, new MemoryStream()));
            Assert.NotNull(e);
            // The exporter may wrap it; the reason is the library's.
            while (e is not NotSupportedException && e.InnerException is not null)
                e = e.InnerException;
            return Assert.IsType<NotSupportedException>(e);
        }

        [Fact]
        public void AnomalyModelsItCannotWriteAndTheStreamingDetectorAreRefused()
        {
            var (ml, data) = Data();
            // A fitted anomaly model reloaded (ML.NET's scorer, which does not carry the PredictedLabel threshold into the export).
            var reconstruction = ml.AnomalyDetection.Trainers.LstmAutoencoder(new SequenceAnomalyOptions
            {
                FeatureColumnName = nameof(Row.Features), HiddenSizes = new[] { 4 }, EncodingSize = 4, Epochs = 1, Seed = 1,
            }).Fit(data);
            using (reconstruction.Model)
            {
                var file = new MemoryStream();
                ml.Model.Save(reconstruction, data.Schema, file);
                file.Position = 0;
                var loaded = ml.Model.Load(file, out _);
                var e = Refused(ml, loaded, data);
                Assert.Contains("ChangeSequenceAnomalyThreshold", e.Message);
                Assert.Contains("'Score'", e.Message);
            }

            using var detector = ml.Transforms.DetectAnomalyBySequenceAutoencoder(new TimeSeriesAnomalyOptions
            {
                InputColumnName = nameof(Row.Value), OutputColumnName = "Prediction", WindowSize = 8, Stride = 1,
                HiddenSizes = new[] { 4 }, EncodingSize = 4, Epochs = 1, Seed = 1,
            }).Fit(data);
            var d = Refused(ml, detector, data);
            Assert.Contains("TimeSeriesAnomalyDetector", d.Message);
            Assert.Contains("'Prediction'", d.Message);
        }
    }
}
