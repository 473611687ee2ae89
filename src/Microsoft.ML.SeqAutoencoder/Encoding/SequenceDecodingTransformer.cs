using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Persistence;
using Microsoft.ML.SeqAutoencoder.Torch;

[assembly: LoadableClass(typeof(SequenceDecodingTransformer), null, typeof(SignatureLoadModel),
    SequenceDecodingTransformer.UserName, SequenceDecodingTransformer.LoaderSignature)]

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// <see cref="ITransformer"/> that turns an encoding column back into a sequence column of a chosen length
    /// (one-to-many), with the decoder of a fitted <see cref="SequenceEncodingTransformer"/>.
    /// </summary>
    /// <remarks>
    /// The reconstruction decoder is used (output in input order), or the prediction decoder in Prediction
    /// mode. The length may differ from the training length. A conditioned decoder starts from the training
    /// mean. Holds its own copy of the network: dispose it when done.
    /// </remarks>
    public sealed class SequenceDecodingTransformer : SequenceTransformerBase
    {
        internal const string LoaderSignature = "SeqDecodingTransform";
        internal const string UserName = "Sequence Decoding Transformer";

        private readonly SequenceAutoencoderModel _model;

        internal SequenceDecodingTransformer(IHostEnvironment env, SequenceAutoencoderModel model,
            string outputColumnName, string inputColumnName, int length)
            : base(env, nameof(SequenceDecodingTransformer), inputColumnName, outputColumnName, SequenceAutoencoderOptions.Defaults.ScoringBatchSize)
        {
            _model = model;
            Length = length;
        }

        private static VersionInfo GetVersionInfo()
            => ModelVersions.For("SEQ DECO", LoaderSignature);

        // Factory method for SignatureLoadModel.
        private static SequenceDecodingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            ModelVersions.CheckAtModel(env, ctx, GetVersionInfo());

            // *** Binary format ***
            // string: input (encoding) column name
            // string: output (sequence) column name
            // int: number of steps to decode
            // stream "SequenceAutoencoder": the network (architecture, standardization, weights)
            return ModelDecode.Read("sequence decoder", () =>
            {
                string input = ctx.LoadNonEmptyString();
                string output = ctx.LoadNonEmptyString();
                int length = ModelDecode.Size(ctx.Reader.ReadInt32(), "decoded length");
                var model = AutoencoderModelFormat.Load(ctx);
                try
                {
                    ModelDecode.SequenceValues(length, model.Architecture.FeaturesPerStep, "a decoded sequence");
                    return new SequenceDecodingTransformer(env, model, output, input, length);
                }
                catch
                {
                    model.Dispose();
                    throw;
                }
            });
        }

        private protected override void SaveModel(ModelSaveContext ctx)
        {
            ctx.SetVersionInfo(GetVersionInfo());

            // *** Binary format ***: see Create.
            ctx.SaveNonEmptyString(InputColumnName);
            ctx.SaveNonEmptyString(OutputColumnName);
            ctx.Writer.Write(Length);
            AutoencoderModelFormat.Save(ctx, _model);
        }

        private protected override bool IsDisposed => _model.IsDisposed;

        /// <summary>Number of steps decoded from each encoding.</summary>
        public int Length { get; }

        private protected override SequenceBinding Bind(DataViewSchema inputSchema)
        {
            int e = _model.Architecture.EncodingSize;
            // An encoding is read as a sequence of one step of E features.
            var input = new SequenceColumn(InputColumnName, e, minimumSteps: 1, maximumSteps: 1);
            int index = input.Check(Host, inputSchema, out _);
            var output = SequenceOutput.Vector(OutputColumnName, Length * _model.Architecture.FeaturesPerStep);
            return new SequenceBinding(input, index, 0, new[] { output }, (codes, _) =>
            {
                var rows = new float[codes.Count][];
                for (int i = 0; i < rows.Length; i++)
                    rows[i] = codes.Get(i).ToArray();
                return _model.Decode(rows, Length).Select(decoded => new[] { decoded }).ToArray();
            });
        }

        /// <summary>Releases the native network. The transformer cannot be used afterwards.</summary>
        public override void Dispose() => _model.Dispose();
    }
}
