using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Onnx
{
    /// <summary>
    /// <c>ConvertToOnnx</c> exports <c>EncodeSequences</c>' encoding (segment means or code) and code columns; ONNX Runtime
    /// gives what <c>Transform</c> gives, for fixed- and variable-size columns and with an ML.NET trainer after the encoder.
    /// </summary>
    public sealed class EncoderOnnxExportTests
    {
        private const int Steps = 12;
        private const int FeatureCount = 2;
        private const float Tolerance = 1e-5f;

        private sealed class Row
        {
            [VectorType(Steps * FeatureCount)]
            public float[] Features { get; set; }

            public float Label { get; set; }
        }

        private sealed class SequenceOnly
        {
            [VectorType(Steps * FeatureCount)]
            public float[] Features { get; set; }
        }

        private sealed class VariableRow
        {
            public float[] Features { get; set; }
        }

        private static float[] Sequence(int i, int steps)
            => Enumerable.Range(0, steps * FeatureCount).Select(v => 3f * MathF.Sin(0.4f * (v / FeatureCount) + i + v % FeatureCount) + 1f).ToArray();

        private static Row[] Rows(int count) => Enumerable.Range(0, count).Select(i => new Row { Features = Sequence(i, Steps), Label = i % 2 }).ToArray();

        private static SequenceEncodingOptions Options(SequenceEncodingReadout readout) => new SequenceEncodingOptions
        {
            InputColumnName = nameof(Row.Features),
            FeaturesPerStep = FeatureCount,
            HiddenSizes = new[] { 6, 5 },
            EncodingSize = 4,
            Epochs = 2,
            Readout = readout,
            ReadoutSegments = 5,
            Seed = 1,
        };

        /// <summary>Runs the exported model on <paramref name="rows"/> (one ONNX batch) and returns output <paramref name="name"/> per row.</summary>
        private static float[][] Run(byte[] model, float[][] rows, string name)
        {
            using var session = new InferenceSession(model);
            Assert.Equal(new[] { nameof(Row.Features) }, session.InputMetadata.Keys.ToArray());
            var input = new DenseTensor<float>(rows.SelectMany(r => r).ToArray(), new[] { rows.Length, rows[0].Length });
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(nameof(Row.Features), input) }, new[] { name });
            var output = results.First().AsTensor<float>();
            int width = (int)(output.Length / rows.Length);
            float[] values = output.ToArray();
            return Enumerable.Range(0, rows.Length).Select(r => values.AsSpan(r * width, width).ToArray()).ToArray();
        }

        private static void AssertClose(float[][] expected, float[][] actual)
        {
            Assert.Equal(expected.Length, actual.Length);
            for (int r = 0; r < expected.Length; r++)
            {
                Assert.Equal(expected[r].Length, actual[r].Length);
                for (int i = 0; i < expected[r].Length; i++)
                    Assert.True(Math.Abs(expected[r][i] - actual[r][i]) <= Tolerance, $"row {r}, value {i}: {expected[r][i]} vs {actual[r][i]}");
            }
        }

        private static byte[] Export(MLContext ml, ITransformer model, IDataView schemaOnly, params string[] outputColumns)
        {
            var stream = new MemoryStream();
            if (outputColumns.Length == 0)
                ml.Model.ConvertToOnnx(model, schemaOnly, stream);
            else
                ml.Model.ConvertToOnnx(model, schemaOnly, stream, outputColumns);
            return stream.ToArray();
        }

        [Theory]
        [InlineData(SequenceEncodingReadout.SegmentMeans)]
        [InlineData(SequenceEncodingReadout.Code)]
        public void TheEncodingAndTheCodeMatchTransform(SequenceEncodingReadout readout)
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(Rows(40));
            var options = Options(readout);
            options.CodeColumnName = readout == SequenceEncodingReadout.SegmentMeans ? "Code" : null;
            using var encoder = ml.Transforms.EncodeSequences(options).Fit(data);
            var schemaOnly = ml.Data.LoadFromEnumerable(Array.Empty<SequenceOnly>());
            byte[] model = Export(ml, encoder, schemaOnly);

            var scored = encoder.Transform(data);
            float[][] rows = data.GetColumn<float[]>(nameof(Row.Features)).ToArray();
            AssertClose(scored.GetColumn<float[]>("Encoding").ToArray(), Run(model, rows, "Encoding.output"));
            if (options.CodeColumnName != null)
                AssertClose(scored.GetColumn<float[]>("Code").ToArray(), Run(model, rows, "Code.output"));
        }

        [Fact]
        public void AVariableSizeColumnExportsWithTheSegmentsComputedFromEachBatchLength()
        {
            var ml = new MLContext(seed: 1);
            var train = Enumerable.Range(0, 40).Select(i => new VariableRow { Features = Sequence(i, 5 + i % 9) }).ToArray();
            var data = ml.Data.LoadFromEnumerable(train);
            var options = Options(SequenceEncodingReadout.SegmentMeans);
            options.CodeColumnName = "Code";
            using var encoder = ml.Transforms.EncodeSequences(options).Fit(data);
            byte[] model = Export(ml, encoder, ml.Data.LoadFromEnumerable(Array.Empty<VariableRow>()));

            // ONNX Runtime takes one length per batch: 3 steps (fewer than the 5 segments), 7 and 13.
            foreach (int steps in new[] { 3, 7, 13 })
            {
                var rows = Enumerable.Range(100, 4).Select(i => new VariableRow { Features = Sequence(i, steps) }).ToArray();
                var scored = encoder.Transform(ml.Data.LoadFromEnumerable(rows));
                float[][] inputs = rows.Select(r => r.Features).ToArray();
                AssertClose(scored.GetColumn<float[]>("Encoding").ToArray(), Run(model, inputs, "Encoding.output"));
                AssertClose(scored.GetColumn<float[]>("Code").ToArray(), Run(model, inputs, "Code.output"));
            }
        }

        [Fact]
        public void AnEncoderThenLbfgsMaximumEntropyExportsEndToEndAndLoadsBackWithApplyOnnxModel()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 60).Select(i => new Row { Features = Sequence(i, Steps), Label = i % 3 }).ToArray());
            var keyed = ml.Transforms.Conversion.MapValueToKey("Key", nameof(Row.Label)).Fit(data).Transform(data);
            var model = ml.Transforms.EncodeSequences(Options(SequenceEncodingReadout.SegmentMeans))
                .Append(ml.Transforms.NormalizeMeanVariance("Encoding"))
                .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Key", "Encoding"))
                .Fit(keyed);
            using var encoder = (IDisposable)model.First();
            byte[] onnx = Export(ml, model, ml.Data.LoadFromEnumerable(Array.Empty<SequenceOnly>()), "Encoding", "Score", "PredictedLabel");
            float[][] rows = keyed.GetColumn<float[]>(nameof(Row.Features)).ToArray();
            var scored = model.Transform(keyed);
            float[][] expected = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
            AssertClose(expected, Run(onnx, rows, "Score.output"));

            // The file back in an ML.NET pipeline (Microsoft.ML.OnnxTransformer), no LSTM stage of this library in it.
            string path = Path.Combine(Path.GetTempPath(), $"seqae-onnx-{Guid.NewGuid():N}.onnx");
            File.WriteAllBytes(path, onnx);
            try
            {
                var sequences = ml.Data.LoadFromEnumerable(rows.Select(r => new SequenceOnly { Features = r }));
                var applied = ml.Transforms.ApplyOnnxModel(new[] { "Score.output", "Encoding.output" }, new[] { nameof(Row.Features) }, path)
                    .Fit(sequences).Transform(sequences);
                // The transformer names its columns after the graph outputs without ML.NET's ".output" suffix.
                AssertClose(expected, applied.GetColumn<float[]>("Score").ToArray());
                AssertClose(scored.GetColumn<float[]>("Encoding").ToArray(), applied.GetColumn<float[]>("Encoding").ToArray());
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void TheSequenceClassifierExportsItsScoreAndPredictedLabel()
        {
            var ml = new MLContext(seed: 1);
            var rows = Enumerable.Range(0, 60).Select(i => new Row { Features = Sequence(i, Steps), Label = i % 3 }).ToArray();
            var data = ml.Data.LoadFromEnumerable(rows);
            var model = ml.Transforms.Conversion.MapValueToKey("Key", nameof(Row.Label))
                .Append(ml.MulticlassClassification.Trainers.LstmSequenceClassifier(new SequenceClassifierOptions
                {
                    FeatureColumnName = nameof(Row.Features), LabelColumnName = "Key", FeaturesPerStep = FeatureCount,
                    HiddenSizes = new[] { 6 }, EncodingSize = 4, Epochs = 3, Seed = 1,
                })).Fit(data);
            using var parameters = model.LastTransformer.Model;
            byte[] onnx = Export(ml, model.LastTransformer, ml.Data.LoadFromEnumerable(Array.Empty<SequenceOnly>()), "Score", "PredictedLabel");
            var scored = model.Transform(data);
            float[][] inputs = rows.Select(r => r.Features).ToArray();
            AssertClose(scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray(), Run(onnx, inputs, "Score.output"));

            using var session = new InferenceSession(onnx);
            var input = new DenseTensor<float>(inputs.SelectMany(r => r).ToArray(), new[] { inputs.Length, inputs[0].Length });
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(nameof(Row.Features), input) }, new[] { "PredictedLabel.output" });
            uint[] predicted = results.First().AsTensor<uint>().ToArray();
            Assert.Equal(scored.GetColumn<uint>("PredictedLabel").ToArray(), predicted);
        }

        [Theory]
        [InlineData(SequenceAnomalyScoringMethod.ReconstructionError, true)]
        [InlineData(SequenceAnomalyScoringMethod.Mahalanobis, false)]
        public void TheAnomalyTrainerExportsScoreAndPredictedLabelAtItsThreshold(SequenceAnomalyScoringMethod method, bool reversed)
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(Rows(80));
            var model = ml.AnomalyDetection.Trainers.LstmAutoencoder(new SequenceAnomalyOptions
            {
                FeatureColumnName = nameof(Row.Features), FeaturesPerStep = FeatureCount, HiddenSizes = new[] { 6 }, EncodingSize = 4,
                Epochs = 3, ScoringMethod = method, ReverseReconstruction = reversed, Seed = 1,
            }).Fit(data);
            using var parameters = model.Model;
            // Test rows: the training ones and distorted ones, so that both labels occur.
            var test = Rows(80).Select((r, i) => new Row { Features = i % 2 == 0 ? r.Features : r.Features.Select(v => -2 * v).ToArray(), Label = i % 2 }).ToArray();
            float[][] inputs = test.Select(r => r.Features).ToArray();
            var schemaOnly = ml.Data.LoadFromEnumerable(Array.Empty<SequenceOnly>());
            // The learned threshold and one halfway between the two middle test scores, so that both labels occur.
            float[] sorted = model.Transform(ml.Data.LoadFromEnumerable(test)).GetColumn<float>("Score").OrderBy(v => v).ToArray();
            float median = (sorted[test.Length / 2 - 1] + sorted[test.Length / 2]) / 2;
            foreach (var transformer in new ITransformer[] { model, ml.AnomalyDetection.ChangeSequenceAnomalyThreshold(model, median) })
            {
                byte[] onnx = Export(ml, transformer, schemaOnly, "Score", "PredictedLabel");
                var scored = transformer.Transform(ml.Data.LoadFromEnumerable(test));
                float[] expected = scored.GetColumn<float>("Score").ToArray();
                AssertClose(expected.Select(v => new[] { v }).ToArray(), Run(onnx, inputs, "Score.output"));
                using var session = new InferenceSession(onnx);
                var input = new DenseTensor<float>(inputs.SelectMany(r => r).ToArray(), new[] { inputs.Length, inputs[0].Length });
                using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(nameof(Row.Features), input) }, new[] { "PredictedLabel.output" });
                bool[] predicted = results.First().AsTensor<bool>().ToArray();
                Assert.Equal(scored.GetColumn<bool>("PredictedLabel").ToArray(), predicted);
            }
            Assert.Equal(test.Length - test.Length / 2, ml.AnomalyDetection.ChangeSequenceAnomalyThreshold(model, median)
                .Transform(ml.Data.LoadFromEnumerable(test)).GetColumn<bool>("PredictedLabel").Count(p => p));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void TheReconstructionAndItsErrorExportWithAnUnconditionedDecoder(bool reversed)
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(Rows(30));
            var options = Options(SequenceEncodingReadout.SegmentMeans);
            options.ReverseReconstruction = reversed;
            options.ReconstructionColumnName = "Reconstruction";
            options.ReconstructionErrorColumnName = "Error";
            using var encoder = ml.Transforms.EncodeSequences(options).Fit(data);
            byte[] model = Export(ml, encoder, ml.Data.LoadFromEnumerable(Array.Empty<SequenceOnly>()));
            var scored = encoder.Transform(data);
            float[][] rows = data.GetColumn<float[]>(nameof(Row.Features)).ToArray();
            AssertClose(scored.GetColumn<float[]>("Reconstruction").ToArray(), Run(model, rows, "Reconstruction.output"));
            AssertClose(scored.GetColumn<float>("Error").Select(e => new[] { e }).ToArray(), Run(model, rows, "Error.output"));
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void AConditionedDecoderExportsUnrolledForAFixedSizeColumn(bool reversed)
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(Rows(30));
            var options = Options(SequenceEncodingReadout.SegmentMeans);
            options.ConditionalDecoder = true;
            options.ReverseReconstruction = reversed;
            options.ReconstructionColumnName = "Reconstruction";
            options.ReconstructionErrorColumnName = "Error";
            using var encoder = ml.Transforms.EncodeSequences(options).Fit(data);
            byte[] model = Export(ml, encoder, ml.Data.LoadFromEnumerable(Array.Empty<SequenceOnly>()));
            var scored = encoder.Transform(data);
            float[][] rows = data.GetColumn<float[]>(nameof(Row.Features)).ToArray();
            AssertClose(scored.GetColumn<float[]>("Reconstruction").ToArray(), Run(model, rows, "Reconstruction.output"));
            AssertClose(scored.GetColumn<float>("Error").Select(e => new[] { e }).ToArray(), Run(model, rows, "Error.output"));

            // The anomaly trainer with a conditioned decoder too.
            var anomaly = ml.AnomalyDetection.Trainers.LstmAutoencoder(new SequenceAnomalyOptions
            {
                FeatureColumnName = nameof(Row.Features), FeaturesPerStep = FeatureCount, HiddenSizes = new[] { 6 }, EncodingSize = 4,
                Epochs = 2, ConditionalDecoder = true, ReverseReconstruction = reversed, Seed = 1,
            }).Fit(data);
            using (anomaly.Model)
            {
                byte[] onnx = Export(ml, anomaly, ml.Data.LoadFromEnumerable(Array.Empty<SequenceOnly>()), "Score");
                AssertClose(anomaly.Transform(data).GetColumn<float>("Score").Select(v => new[] { v }).ToArray(), Run(onnx, rows, "Score.output"));
            }
        }

        [Theory]
        [InlineData(SequenceAutoencoderMode.Prediction, false)]
        [InlineData(SequenceAutoencoderMode.Composite, false)]
        [InlineData(SequenceAutoencoderMode.Prediction, true)]
        [InlineData(SequenceAutoencoderMode.Composite, true)]
        public void ForecastingModesExportTheForecastAndTheScore(SequenceAutoencoderMode mode, bool conditional)
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(Rows(30));
            var options = Options(SequenceEncodingReadout.SegmentMeans);
            options.Mode = mode;
            options.PredictionLength = 3;
            options.ConditionalDecoder = conditional;
            options.ForecastColumnName = "Forecast";
            options.ReconstructionErrorColumnName = "Error";
            if (mode == SequenceAutoencoderMode.Composite)
                options.ReconstructionColumnName = "Reconstruction";
            using var encoder = ml.Transforms.EncodeSequences(options).Fit(data);
            byte[] model = Export(ml, encoder, ml.Data.LoadFromEnumerable(Array.Empty<SequenceOnly>()));
            var scored = encoder.Transform(data);
            float[][] rows = data.GetColumn<float[]>(nameof(Row.Features)).ToArray();
            AssertClose(scored.GetColumn<float[]>("Encoding").ToArray(), Run(model, rows, "Encoding.output"));
            AssertClose(scored.GetColumn<float[]>("Forecast").ToArray(), Run(model, rows, "Forecast.output"));
            AssertClose(scored.GetColumn<float>("Error").Select(e => new[] { e }).ToArray(), Run(model, rows, "Error.output"));
            if (mode == SequenceAutoencoderMode.Composite)
                AssertClose(scored.GetColumn<float[]>("Reconstruction").ToArray(), Run(model, rows, "Reconstruction.output"));

            foreach (var method in new[] { SequenceAnomalyScoringMethod.ReconstructionError, SequenceAnomalyScoringMethod.Mahalanobis })
            {
                var anomaly = ml.AnomalyDetection.Trainers.LstmAutoencoder(new SequenceAnomalyOptions
                {
                    FeatureColumnName = nameof(Row.Features), FeaturesPerStep = FeatureCount, HiddenSizes = new[] { 6 }, EncodingSize = 4,
                    Epochs = 2, Mode = mode, PredictionLength = 3, ConditionalDecoder = conditional, ScoringMethod = method, Seed = 1,
                }).Fit(data);
                using (anomaly.Model)
                {
                    byte[] onnx = Export(ml, anomaly, ml.Data.LoadFromEnumerable(Array.Empty<SequenceOnly>()), "Score");
                    AssertClose(anomaly.Transform(data).GetColumn<float>("Score").Select(v => new[] { v }).ToArray(), Run(onnx, rows, "Score.output"));
                }
            }
        }

        [Fact]
        public void TheClassifierAndTheAnomalyTrainerExportOverAVariableSizeColumn()
        {
            var ml = new MLContext(seed: 1);
            var train = Enumerable.Range(0, 45).Select(i => new VariableLabeledRow { Features = Sequence(i, 6 + i % 7), Label = i % 3 }).ToArray();
            var data = ml.Data.LoadFromEnumerable(train);
            var classifier = ml.Transforms.Conversion.MapValueToKey("Key", nameof(VariableLabeledRow.Label))
                .Append(ml.MulticlassClassification.Trainers.LstmSequenceClassifier(new SequenceClassifierOptions
                {
                    FeatureColumnName = nameof(VariableLabeledRow.Features), LabelColumnName = "Key", FeaturesPerStep = FeatureCount,
                    HiddenSizes = new[] { 6 }, EncodingSize = 4, Epochs = 2, Seed = 1,
                })).Fit(data);
            var anomaly = ml.AnomalyDetection.Trainers.LstmAutoencoder(new SequenceAnomalyOptions
            {
                FeatureColumnName = nameof(VariableLabeledRow.Features), FeaturesPerStep = FeatureCount, HiddenSizes = new[] { 6 }, EncodingSize = 4,
                Epochs = 2, Seed = 1,
            }).Fit(data);
            using var classifierParameters = classifier.LastTransformer.Model;
            using var anomalyParameters = anomaly.Model;
            var schemaOnly = ml.Data.LoadFromEnumerable(Array.Empty<VariableRow>());
            byte[] classifierOnnx = Export(ml, classifier.LastTransformer, schemaOnly, "Score");
            byte[] anomalyOnnx = Export(ml, anomaly, schemaOnly, "Score");
            foreach (int steps in new[] { 4, 9 })
            {
                var rows = Enumerable.Range(200, 5).Select(i => new VariableLabeledRow { Features = Sequence(i, steps), Label = 0 }).ToArray();
                var view = ml.Data.LoadFromEnumerable(rows);
                float[][] inputs = rows.Select(r => r.Features).ToArray();
                AssertClose(classifier.LastTransformer.Transform(classifier.First().Transform(view)).GetColumn<VBuffer<float>>("Score")
                    .Select(v => v.DenseValues().ToArray()).ToArray(), Run(classifierOnnx, inputs, "Score.output"));
                AssertClose(anomaly.Transform(view).GetColumn<float>("Score").Select(v => new[] { v }).ToArray(), Run(anomalyOnnx, inputs, "Score.output"));
            }
        }

        private sealed class VariableLabeledRow
        {
            public float[] Features { get; set; }

            public float Label { get; set; }
        }

        [Fact]
        public void AConditionedDecoderOverAVariableSizeColumnIsRefusedNamingTheColumn()
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 30).Select(i => new VariableRow { Features = Sequence(i, 5 + i % 7) }).ToArray());
            var options = Options(SequenceEncodingReadout.SegmentMeans);
            options.ConditionalDecoder = true;
            options.ReconstructionColumnName = "Reconstruction";
            using var encoder = ml.Transforms.EncodeSequences(options).Fit(data);
            var e = Record.Exception(() => Export(ml, encoder, ml.Data.LoadFromEnumerable(Array.Empty<VariableRow>())));
            while (e is not null and not NotSupportedException && e.InnerException is not null)
                e = e.InnerException;
            var refused = Assert.IsType<NotSupportedException>(e);
            Assert.Contains("column 'Reconstruction'", refused.Message);
            Assert.Contains("variable size", refused.Message);
        }
    }
}
