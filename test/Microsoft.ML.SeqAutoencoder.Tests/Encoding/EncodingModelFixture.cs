using System;
using System.Collections.Generic;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;

namespace Microsoft.ML.SeqAutoencoder.Tests.Encoding
{
    /// <summary>One encoder fitted on two-class shape sequences, shared by the tests of a class.</summary>
    public sealed class EncodingModelFixture : IDisposable
    {
        public EncodingModelFixture()
        {
            MLContext = new MLContext(seed: QualitySeed.Of(1));
            MLContext.Log += (_, e) => { lock (Log) Log.Add(e.Message); };
            Train = ShapeRow.Generate(400, seed: 1);
            Test = ShapeRow.Generate(200, seed: 2);
            Options = new SequenceEncodingOptions
            {
                InputColumnName = nameof(ShapeRow.Sequence),
                EncodingSize = 16,
                // These tests look at the code itself (its size, decoding it, separating classes with it).
                Readout = SequenceEncodingReadout.Code,
                HiddenSizes = new[] { 32 },
                Epochs = 25,
                ReconstructionColumnName = "Reconstruction",
                ReconstructionErrorColumnName = "Error",
                ScoringBatchSize = 64,
            };
            Model = MLContext.Transforms.EncodeSequences(Options).Fit(MLContext.Data.LoadFromEnumerable(Train));
        }

        public MLContext MLContext { get; }

        public List<string> Log { get; } = new List<string>();

        public List<ShapeRow> Train { get; }

        public List<ShapeRow> Test { get; }

        public SequenceEncodingOptions Options { get; }

        public SequenceEncodingTransformer Model { get; }

        public void Dispose() => Model.Dispose();
    }
}
