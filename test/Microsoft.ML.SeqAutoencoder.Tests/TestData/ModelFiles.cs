using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Microsoft.ML.Data;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.TestData
{
    /// <summary>
    /// The model files of every stage written by an earlier release (TestData/ModelFiles, see its README) and the
    /// inputs and outputs stored with them: shared by the compatibility, fuzz, lifetime and OpenMP tests.
    /// </summary>
    internal static class ModelFiles
    {
        /// <summary>The folder of the files.</summary>
        public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "TestData", "ModelFiles");

        /// <summary>One saved model per stage, for theories.</summary>
        public static TheoryData<string> Stages => new TheoryData<string>
        {
            "encoder.zip", "decoder.zip", "anomaly.zip", "steperrors.zip", "detector.zip", "classifier.zip",
        };

        /// <summary>The full path of <paramref name="file"/>.</summary>
        public static string PathOf(string file) => Path.Combine(Folder, file);

        /// <summary>expected.json: the inputs and what the release that wrote the files computed on them.</summary>
        public static JsonElement Expected() => JsonDocument.Parse(File.ReadAllText(PathOf("expected.json"))).RootElement;

        /// <summary>A stored sequence row: 24 values and a 0/1 label.</summary>
        public sealed class Row
        {
            [VectorType(24)]
            public float[] Values { get; set; }

            public float Label { get; set; }
        }

        /// <summary>A stored time-series step for the streaming detector.</summary>
        public sealed class Step
        {
            public float Value { get; set; }
        }

        /// <summary>The stored sequence rows ("inputs"), labels alternating 0 and 1.</summary>
        public static IDataView Inputs(MLContext ml, JsonElement expected)
            => ml.Data.LoadFromEnumerable(expected.GetProperty("inputs").EnumerateArray()
                .Select((r, i) => new Row { Values = Floats(r), Label = i % 2 }).ToArray());

        /// <summary>The stored time series of the detector ("detector.inputs").</summary>
        public static IDataView DetectorInputs(MLContext ml, JsonElement expected)
            => ml.Data.LoadFromEnumerable(expected.GetProperty("detector.inputs").EnumerateArray()
                .Select(v => new Step { Value = v.GetSingle() }).ToArray());

        /// <summary>A JSON array of numbers as floats.</summary>
        public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => v.GetSingle()).ToArray();
    }
}
