using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Scoring;

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
    public sealed class SequenceDecodingTransformer : ITransformer, IDisposable
    {
        internal const string LoaderSignature = "SeqDecodingTransform";
        internal const string UserName = "Sequence Decoding Transformer";
        private const string NetworkStreamName = "SequenceAutoencoder";

        private readonly IHost _host;
        private readonly SequenceAutoencoderModel _model;
        private readonly SequenceTransformerCore _core;
        private bool _disposed;

        internal SequenceDecodingTransformer(IHostEnvironment env, SequenceAutoencoderModel model,
            string outputColumnName, string inputColumnName, int length)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(SequenceDecodingTransformer));
            _host.CheckNonWhiteSpace(outputColumnName, nameof(outputColumnName));
            _host.CheckNonWhiteSpace(inputColumnName, nameof(inputColumnName));
            _host.CheckParam(length > 0, nameof(length), "Must be positive.");
            _model = model;
            OutputColumnName = outputColumnName;
            InputColumnName = inputColumnName;
            Length = length;
            _core = new SequenceTransformerCore(_host, this, Bind, SequenceAutoencoderTrainingOptions.Defaults.ScoringBatchSize);
        }

        private static VersionInfo GetVersionInfo()
            => new VersionInfo(
                modelSignature: "SEQ DECO",
                verWrittenCur: 0x00010001, // Initial
                verReadableCur: 0x00010001,
                verWeCanReadBack: 0x00010001,
                loaderSignature: LoaderSignature,
                loaderAssemblyName: typeof(SequenceDecodingTransformer).Assembly.FullName);

        // Factory method for SignatureLoadModel.
        private static SequenceDecodingTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            Contracts.CheckValue(env, nameof(env));
            env.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel(GetVersionInfo());

            // *** Binary format ***
            // string: input (encoding) column name
            // string: output (sequence) column name
            // int: number of steps to decode
            // stream "SequenceAutoencoder": the network (architecture, standardization, weights)
            string input = ctx.LoadNonEmptyString();
            string output = ctx.LoadNonEmptyString();
            int length = ctx.Reader.ReadInt32();
            env.CheckDecode(length > 0);
            SequenceAutoencoderModel model = null;
            ModelStreams.LoadBinaryStream(ctx, NetworkStreamName, r => model = SequenceAutoencoderModel.Load(r.BaseStream));
            return new SequenceDecodingTransformer(env, model, output, input, length);
        }

        void ICanSaveModel.Save(ModelSaveContext ctx)
        {
            _host.CheckValue(ctx, nameof(ctx));
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());

            // *** Binary format ***
            // string: input (encoding) column name
            // string: output (sequence) column name
            // int: number of steps to decode
            // stream "SequenceAutoencoder": the network (architecture, standardization, weights)
            ctx.SaveNonEmptyString(InputColumnName);
            ctx.SaveNonEmptyString(OutputColumnName);
            ctx.Writer.Write(Length);
            ModelStreams.SaveBinaryStream(ctx, NetworkStreamName, w => _model.Save(w.BaseStream));
        }

        /// <summary>Name of the encoding column read.</summary>
        public string InputColumnName { get; }

        /// <summary>Name of the sequence column added: Length·F values, step-major.</summary>
        public string OutputColumnName { get; }

        /// <summary>Number of steps decoded from each encoding.</summary>
        public int Length { get; }

        /// <summary>Always true: each output row depends only on its input row.</summary>
        public bool IsRowToRowMapper => true;

        /// <summary>The input schema with the added columns.</summary>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _core.GetOutputSchema(inputSchema);

        /// <summary>A lazy view of <paramref name="input"/> with the added columns, computed in batches when read.</summary>
        public IDataView Transform(IDataView input) => _core.Transform(input);

        /// <summary>A row-to-row mapper that scores one row at a time (used by prediction engines).</summary>
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _core.GetRowToRowMapper(inputSchema);

        internal SequenceOutputBinding Bind(DataViewSchema inputSchema)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            int e = _model.Architecture.EncodingSize;
            var input = new SequenceColumn(InputColumnName, e, minimumSteps: 1, maximumSteps: 1);
            int index = input.Check(_host, inputSchema, out _);
            var output = SequenceOutput.ForVector(OutputColumnName, Length * _model.Architecture.FeaturesPerStep, s => s.Reconstruction);
            return new SequenceOutputBinding(input, index, new[] { output },
                (codes, _) => _model.Decode(codes, Length).Select(r => new ScoredSequence(null, r, null, float.NaN)).ToArray());
        }

        /// <summary>Releases the native network. The transformer cannot be used afterwards.</summary>
        public void Dispose()
        {
            if (_disposed)
                return;
            _disposed = true;
            _model.Dispose();
        }
    }
}
