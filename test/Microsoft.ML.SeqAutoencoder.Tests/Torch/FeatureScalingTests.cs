using System;
using System.IO;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Torch;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Torch
{
    /// <summary>
    /// Robust feature scaling: median and interquartile range, so that a rarely switching 0/1 feature or a near-constant one
    /// is not blown up the way standardization blows it up.
    /// </summary>
    public sealed class FeatureScalingTests
    {
        [Fact]
        public void RobustScaleIsTheMedianAndIqrWithFallbacksForFlagsAndConstants()
        {
            // Feature 0: 1..100. Feature 1: a flag set on 2 of 100 steps. Feature 2: constant 7.
            var set = new SequenceSet(3);
            var row = new float[100 * 3];
            for (int t = 0; t < 100; t++)
            {
                row[3 * t] = t + 1;
                row[3 * t + 1] = t is 10 or 60 ? 1 : 0;
                row[3 * t + 2] = 7;
            }
            set.Add(row);
            var (center, scale) = set.FeatureScale(set.All(), FeatureScaling.Robust);
            Assert.Equal(50.5, center[0], 6);
            Assert.Equal((75.25 - 25.75) / 1.349, scale[0], 6);
            // The flag's interquartile range is 0: its range (1) scales it, not its tiny standard deviation (0.14).
            Assert.Equal((0.0, 1.0), (center[1], scale[1]));
            Assert.Equal((7.0, 0.0), (center[2], scale[2]));

            var (mean, std) = set.FeatureScale(set.All(), FeatureScaling.Standard);
            Assert.Equal(0.02, mean[1], 6);
            Assert.True(std[1] < 0.15, $"std {std[1]}");
        }

        private sealed class Row
        {
            [VectorType(30)]
            public float[] Values { get; set; }
        }

        [Fact]
        public void RobustScalingTrainsSavesAndLoadsForEveryAutoencoderStage()
        {
            var ml = new MLContext(seed: 1);
            var random = new Random(2);
            var rows = Enumerable.Range(0, 48).Select(i => new Row
            {
                // Two features per step: a wave and a flag that is almost always 0.
                Values = Enumerable.Range(0, 15).SelectMany(t => new[] { MathF.Sin(0.4f * t + i), random.NextDouble() < 0.03 ? 1f : 0f }).ToArray(),
            }).ToArray();
            var data = ml.Data.LoadFromEnumerable(rows);
            using var encoder = ml.Transforms.EncodeSequences(new SequenceEncodingOptions
            {
                InputColumnName = nameof(Row.Values),
                FeaturesPerStep = 2,
                HiddenSizes = new[] { 8 },
                EncodingSize = 4,
                Epochs = 2,
                FeatureScaling = FeatureScaling.Robust,
                ReconstructionErrorColumnName = "Error",
            }).Fit(data);
            float[] errors = encoder.Transform(data).GetColumn<float>("Error").ToArray();
            Assert.All(errors, e => Assert.True(float.IsFinite(e) && e >= 0));

            var stream = new MemoryStream();
            ml.Model.Save(encoder, data.Schema, stream);
            stream.Position = 0;
            var loaded = ml.Model.Load(stream, out _);
            Assert.Equal(errors, loaded.Transform(data).GetColumn<float>("Error").ToArray());
            (loaded as IDisposable)?.Dispose();
        }
    }
}
