using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// The LSTM sequence autoencoder: the <see cref="SequenceEncoder"/> (standardization, stacked LSTM, code) and a
    /// reconstruction and/or a prediction decoder (Srivastava et al. 2015). Inputs are (B, L, F) in original units;
    /// losses are computed on standardized values.
    /// </summary>
    internal sealed class SequenceAutoencoderNetwork : nn.Module
    {
        private readonly SequenceEncoder _encoder;
#pragma warning disable IDE1006 // Field names are the state-dict keys: renaming one breaks saved models.
        private readonly SequenceDecoder reconstruction;
        private readonly SequenceDecoder prediction;
#pragma warning restore IDE1006

        /// <param name="architecture">The shape of the network.</param>
        /// <param name="seed">Seed of the weight initialization.</param>
        public SequenceAutoencoderNetwork(AutoencoderArchitecture architecture, long seed)
            : base(nameof(SequenceAutoencoderNetwork))
        {
            Architecture = architecture;
            int f = architecture.FeaturesPerStep;
            _encoder = new SequenceEncoder(architecture.Encoder);
            _encoder.RegisterIn(this);
            if (architecture.HasReconstructionDecoder)
            {
                reconstruction = new SequenceDecoder(nameof(reconstruction), architecture.EncodingSize, f,
                    architecture.DecoderHiddenSizes, architecture.ConditionalDecoder, architecture.Dropout);
            }
            if (architecture.HasPredictionDecoder)
            {
                prediction = new SequenceDecoder(nameof(prediction), architecture.EncodingSize, f,
                    architecture.DecoderHiddenSizes, architecture.ConditionalDecoder, architecture.Dropout);
            }
            RegisterComponents();

            using var generator = new Generator((ulong)seed, CPU);
            TorchInit.UniformLikePyTorch(this, generator);
        }

        /// <summary>The shape this network was built with.</summary>
        public AutoencoderArchitecture Architecture { get; }

        /// <summary>The encoder, whose standardization is fitted before training.</summary>
        public SequenceEncoder Encoder => _encoder;

        /// <summary>The reconstruction decoder, or null in Prediction mode (for export).</summary>
        internal SequenceDecoder ReconstructionDecoder => reconstruction;

        /// <summary>The prediction decoder, or null in Reconstruction mode (for export).</summary>
        internal SequenceDecoder PredictionDecoder => prediction;

        /// <summary>
        /// Training loss on one batch: mean squared error on standardized values of each decoder (padding
        /// masked out), summed over decoders. Conditioned decoders are teacher-forced; while training, each
        /// teacher step is replaced by zeros with probability <paramref name="teacherStepDropout"/>, so the
        /// decoder must rely on the code instead of only continuing the previous step. Random masks come
        /// from <paramref name="dropout"/>.
        /// </summary>
        public Tensor Loss(SequenceBatch batch, Generator dropout, float teacherStepDropout = 0)
        {
            Tensor x = _encoder.Standardizer.Normalize(batch.Inputs);
            Tensor code = _encoder.Encode(x, batch, dropout);
            Tensor loss = null;
            if (reconstruction is not null)
            {
                Tensor target = ReconstructionOrder(x, batch);
                Tensor previous = reconstruction.Conditional
                    ? TeacherSteps(ShiftRight(target, zeros_like(target[.., ..1])), teacherStepDropout, dropout)
                    : null;
                Tensor output = reconstruction.Forward(code, batch.Steps, previous, dropout);
                loss = MeanSquaredError(output, target, batch.Mask);
            }
            if (prediction is not null)
            {
                Contracts.Assert(batch.Future is not null, "A prediction decoder trains on the steps that follow each input.");
                Tensor target = _encoder.Standardizer.Normalize(batch.Future);
                Tensor previous = prediction.Conditional
                    ? TeacherSteps(ShiftRight(target, batch.LastStep(x)), teacherStepDropout, dropout)
                    : null;
                Tensor output = prediction.Forward(code, target.shape[1], previous, dropout);
                Tensor predictionLoss = MeanSquaredError(output, target, null);
                loss = loss is null ? predictionLoss : loss.add(predictionLoss, ExplicitScalars.One);
            }
            return loss;
        }

        /// <summary>
        /// Inference: the code and, when asked for, the reconstruction (B, L, F) in input order and the forecast
        /// (B, P, F), both in original units, and the segment means of the last encoder layer (B, S·H) when
        /// <paramref name="segments"/> is positive (<see cref="SequenceBatch.SegmentMeans"/>). Conditioned decoders feed
        /// back their own outputs.
        /// </summary>
        public (Tensor Code, Tensor Reconstruction, Tensor Forecast, Tensor SegmentMeans) Infer(SequenceBatch batch, bool reconstruct, bool forecast, int segments = 0)
        {
            Tensor x = _encoder.Standardizer.Normalize(batch.Inputs);
            Tensor code = _encoder.Encode(x, batch, null, out Tensor hidden);
            Tensor segmentMeans = segments > 0 ? batch.SegmentMeans(hidden, segments) : null;
            Tensor rebuilt = null;
            Tensor future = null;
            if (reconstruct)
            {
                Contracts.Assert(reconstruction is not null);
                Tensor output = reconstruction.Generate(code, batch.Steps, zeros_like(x[.., ..1]));
                rebuilt = _encoder.Standardizer.Denormalize(ReconstructionOrder(output, batch));
            }
            if (forecast)
            {
                Contracts.Assert(prediction is not null);
                Tensor output = prediction.Generate(code, Architecture.PredictionLength, batch.LastStep(x));
                future = _encoder.Standardizer.Denormalize(output);
            }
            return (code, rebuilt, future, segmentMeans);
        }

        /// <summary>
        /// One-to-many: turns codes (B, EncodingSize) into <paramref name="steps"/> steps (B, steps, F) in original
        /// units, with the reconstruction decoder (in input order) or, in Prediction mode, the prediction decoder.
        /// A conditioned decoder starts from the training mean, since no observed step comes with a bare code.
        /// </summary>
        public Tensor Decode(Tensor code, long steps)
        {
            Tensor first = zeros(code.shape[0], 1, Architecture.FeaturesPerStep, dtype: code.dtype, device: code.device);
            if (reconstruction is not null)
            {
                Tensor output = reconstruction.Generate(code, steps, first);
                return _encoder.Standardizer.Denormalize(Architecture.ReverseReconstruction ? output.flip(1) : output);
            }
            return _encoder.Standardizer.Denormalize(prediction.Generate(code, steps, first));
        }

        /// <summary>
        /// The steps in the order the reconstruction decoder produces them: as is, or reversed within each
        /// sequence's own length (an involution, so it also turns decoder output back into input order).
        /// </summary>
        private Tensor ReconstructionOrder(Tensor steps, SequenceBatch batch)
        {
            if (!Architecture.ReverseReconstruction)
                return steps;
            if (!batch.IsRagged)
                return steps.flip(1);
            long count = steps.shape[0];
            long length = steps.shape[1];
            var index = new long[count * length];
            for (long b = 0; b < count; b++)
            {
                long real = batch.Lengths[b];
                for (long t = 0; t < length; t++)
                    index[b * length + t] = t < real ? real - 1 - t : t;
            }
            using var indexTensor = tensor(index, new long[] { count, length, 1 }, device: steps.device);
            using var expanded = indexTensor.expand(count, length, steps.shape[2]);
            return steps.gather(1, expanded);
        }

        /// <summary>Zeroes whole teacher steps (all F features) with probability <paramref name="p"/> while training.</summary>
        private Tensor TeacherSteps(Tensor previous, float p, Generator generator)
        {
            if (!training || p <= 0)
                return previous;
            using Scalar probability = p; // explicit: see ExplicitScalars
            using var keep = rand(previous.shape[0], previous.shape[1], 1, dtype: previous.dtype, device: previous.device, generator: generator).ge_(probability);
            return previous.mul(keep);
        }

        /// <summary>[first, steps[0..L-2]]: the step before each step, for teacher forcing.</summary>
        private static Tensor ShiftRight(Tensor steps, Tensor first)
            => cat(new[] { first, steps[.., ..^1] }, 1);

        private static Tensor MeanSquaredError(Tensor output, Tensor target, Tensor mask)
        {
            using Scalar two = 2, features = output.shape[2]; // explicit: see ExplicitScalars
            Tensor squared = output.sub(target).pow_(two);
            if (mask is null)
                return squared.mean();
            return squared.mul_(mask).sum().div_(mask.sum().mul_(features));
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _encoder.Dispose();
                reconstruction?.Dispose();
                prediction?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
