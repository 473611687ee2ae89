using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Persistence
{
    /// <summary>
    /// Model files written by an earlier release (before the capability layout and the type renames; see
    /// TestData/ModelFiles/README.md) still load with <c>mlContext.Model.Load</c> and compute the outputs they computed then.
    /// </summary>
    public sealed class ModelFileCompatibilityTests
    {
        private const double Tolerance = 1e-5;

        private readonly MLContext _ml = new MLContext(seed: 1);
        private readonly JsonElement _expected = ModelFiles.Expected();

        private IDataView Inputs() => ModelFiles.Inputs(_ml, _expected);

        private ITransformer Load(string file) => _ml.Model.Load(ModelFiles.PathOf(file), out _);

        private static float[] Floats(JsonElement array) => ModelFiles.Floats(array);

        private static void AssertClose(JsonElement expected, float[] actual)
            => AssertClose(expected.EnumerateArray().Select(v => new[] { v.GetSingle() }).ToArray(), actual.Select(v => new[] { v }).ToArray());

        private static void AssertClose(JsonElement expected, float[][] actual)
            => AssertClose(expected.EnumerateArray().Select(Floats).ToArray(), actual);

        private static void AssertClose(float[][] rows, float[][] actual)
        {
            Assert.Equal(rows.Length, actual.Length);
            for (int i = 0; i < rows.Length; i++)
            {
                Assert.Equal(rows[i].Length, actual[i].Length);
                for (int k = 0; k < rows[i].Length; k++)
                    Assert.True(Math.Abs(rows[i][k] - actual[i][k]) <= Tolerance * Math.Max(1, Math.Abs(rows[i][k])), $"row {i}, value {k}: {rows[i][k]} then, {actual[i][k]} now");
            }
        }

        [Fact]
        public void EncoderAndDecoderFilesLoadAndScoreAsBefore()
        {
            var encoder = Load("encoder.zip");
            var encoded = encoder.Transform(Inputs());
            AssertClose(_expected.GetProperty("encoder.Encoding"), encoded.GetColumn<float[]>("Encoding").ToArray());
            AssertClose(_expected.GetProperty("encoder.Reconstruction"), encoded.GetColumn<float[]>("Reconstruction").ToArray());
            AssertClose(_expected.GetProperty("encoder.Forecast"), encoded.GetColumn<float[]>("Forecast").ToArray());
            AssertClose(_expected.GetProperty("encoder.Error"), encoded.GetColumn<float>("Error").ToArray());
            var decoder = Load("decoder.zip");
            AssertClose(_expected.GetProperty("decoder.Decoded"), decoder.Transform(encoded).GetColumn<float[]>("Decoded").ToArray());
            (encoder as IDisposable)?.Dispose();
            (decoder as IDisposable)?.Dispose();
        }

        [Fact]
        public void AnomalyModelAndStepErrorsFilesLoadAndScoreAsBefore()
        {
            var anomaly = Load("anomaly.zip");
            var scored = anomaly.Transform(Inputs());
            AssertClose(_expected.GetProperty("anomaly.Score"), scored.GetColumn<float>("Score").ToArray());
            Assert.Equal(_expected.GetProperty("anomaly.PredictedLabel").EnumerateArray().Select(v => v.GetBoolean()), scored.GetColumn<bool>("PredictedLabel"));
            var steps = Load("steperrors.zip");
            AssertClose(_expected.GetProperty("steperrors.StepErrors"), steps.Transform(Inputs()).GetColumn<float[]>("StepErrors").ToArray());
        }

        [Fact]
        public void DetectorFileOfTheFirstFormatVersionLoadsAndScoresAsBefore()
        {
            var detector = Load("detector.zip");
            var live = ModelFiles.DetectorInputs(_ml, _expected);
            double[][] actual = detector.Transform(live).GetColumn<double[]>("Prediction").ToArray();
            var expected = _expected.GetProperty("detector.Prediction").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i][0], actual[i][0]);
                Assert.Equal(expected[i][1], actual[i][1], Tolerance * Math.Max(1, expected[i][1]));
                Assert.Equal(expected[i][2], actual[i][2], 1e-12);
            }
            // Past the warm-up rows the raw scores are real scores, the spike at row 30 the largest.
            Assert.All(actual[7..], o => Assert.True(o[1] > 0));
            Assert.Equal(30, Array.IndexOf(actual, actual.MaxBy(o => o[1])));
        }

        [Fact]
        public void ClassifierFileLoadsAndScoresAsBefore()
        {
            var classifier = Load("classifier.zip");
            var keyed = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(Inputs()).Transform(Inputs());
            AssertClose(_expected.GetProperty("classifier.Score"), classifier.Transform(keyed).GetColumn<float[]>("Score").ToArray());
        }
    }
}
