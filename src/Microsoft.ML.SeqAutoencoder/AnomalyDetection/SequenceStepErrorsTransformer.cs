using System;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Persistence;
using Microsoft.ML.SeqAutoencoder.AnomalyDetection;

[assembly: LoadableClass(typeof(SequenceStepErrorsTransformer), null, typeof(SignatureLoadModel),
    SequenceStepErrorsTransformer.UserName, SequenceStepErrorsTransformer.LoaderSignature)]

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// <see cref="ITransformer"/> resulting from fitting a <see cref="SequenceStepErrorsEstimator"/>: appends the
    /// anomaly score of every step of each row's sequence.
    /// </summary>
    /// <remarks>
    /// <see cref="SequenceTransformerBase.Transform"/> is lazy and scores rows in batches as a cursor moves. The transformer owns a copy of
    /// the native network: dispose it when done. Save and load it with <c>mlContext.Model.Save</c>/<c>Load</c>.
    /// </remarks>
    public sealed class SequenceStepErrorsTransformer : SequenceTransformerBase
    {
        internal const string LoaderSignature = "SeqStepErrorsTransform";
        internal const string UserName = "Sequence Step Errors Transformer";
        private const string ModelName = "Model";

        private readonly SequenceAnomalyModelParameters _model;

        internal SequenceStepErrorsTransformer(IHostEnvironment env, SequenceAnomalyModelParameters model, string outputColumnName, string inputColumnName)
            : base(env, nameof(SequenceStepErrorsTransformer), inputColumnName, outputColumnName, SequenceAutoencoderOptions.Defaults.ScoringBatchSize)
        {
            _model = model;
        }

        private static VersionInfo GetVersionInfo()
            => ModelVersions.For("SEQSTEPE", LoaderSignature);

        // Factory method for SignatureLoadModel.
        private static SequenceStepErrorsTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            ModelVersions.CheckAtModel(env, ctx, GetVersionInfo());

            // *** Binary format ***
            // string: output column name
            // string: input column name
            // model "Model": the SequenceAnomalyModelParameters
            return ModelDecode.Read("sequence step errors transformer", () =>
            {
                string output = ctx.LoadNonEmptyString();
                string input = ctx.LoadNonEmptyString();
                ctx.LoadModel<SequenceAnomalyModelParameters, SignatureLoadModel>(env, out var model, ModelName);
                return new SequenceStepErrorsTransformer(env, model, output, input);
            });
        }

        private protected override void SaveModel(ModelSaveContext ctx)
        {
            ctx.SetVersionInfo(GetVersionInfo());

            // *** Binary format ***: see Create.
            ctx.SaveNonEmptyString(OutputColumnName);
            ctx.SaveNonEmptyString(InputColumnName);
            ctx.SaveModel(_model, ModelName);
        }

        private protected override bool IsDisposed => _model.Model.IsDisposed;

        /// <summary>The anomaly model whose step scores are computed (owned by this transformer).</summary>
        public SequenceAnomalyModelParameters Model => _model;

        private protected override SequenceBinding Bind(DataViewSchema inputSchema)
        {
            var input = _model.FeatureColumn(InputColumnName);
            int inputIndex = input.Check(Host, inputSchema, out int inputSize);
            int size = inputSize == 0 ? 0 : ErrorScores.ErrorSteps(_model.Model.Architecture, inputSize / _model.FeaturesPerStep - _model.PredictionLength);
            var output = SequenceOutput.Vector(OutputColumnName, size);
            return new SequenceBinding(input, inputIndex, _model.PredictionLength, new[] { output },
                (rows, _) => _model.StepScores(rows).Select(steps => new[] { steps.Select(v => (float)v).ToArray() }).ToArray());
        }

        /// <summary>Releases the native network. The transformer cannot be used afterwards.</summary>
        public override void Dispose() => _model.Dispose();
    }
}
