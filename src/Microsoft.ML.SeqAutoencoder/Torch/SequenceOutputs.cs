using System;

namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>What <see cref="SequenceAutoencoderModel.Run"/> computes besides the code.</summary>
    [Flags]
    internal enum SequenceOutputKinds
    {
        /// <summary>The code only.</summary>
        Code = 0,

        /// <summary>The rebuilt input (needs a reconstruction decoder).</summary>
        Reconstruction = 1,

        /// <summary>The forecast of the PredictionLength target steps (needs a prediction decoder).</summary>
        Forecast = 2,

        /// <summary>The standardized errors of every decoder the model has (see <see cref="SequenceOutputs.Errors"/>).</summary>
        Errors = 4,
    }

    /// <summary>What the network produced for one sequence; arrays are null when not asked for.</summary>
    /// <param name="Code">The code, EncodingSize values.</param>
    /// <param name="Reconstruction">The rebuilt input, step-major, in input order and original units.</param>
    /// <param name="Forecast">The PredictionLength forecast steps, step-major, original units.</param>
    /// <param name="Errors">
    /// |x − x̂| / σ for every value the decoders produce, σ the feature's training standard deviation: the
    /// reconstruction's values first (input steps · F), then the forecast's (PredictionLength · F). Step-major, so
    /// every F consecutive values are one step's error vector e_t.
    /// </param>
    /// <param name="SegmentMeans">The last encoder layer's mean over each of S segments of the sequence, S·H values, when asked for.</param>
    internal sealed record SequenceOutputs(float[] Code, float[] Reconstruction, float[] Forecast, double[] Errors, float[] SegmentMeans = null)
    {
        /// <summary>The mean of the squared <see cref="Errors"/>: the standardized mean squared error of the row.</summary>
        public double MeanSquaredError()
        {
            double sum = 0;
            foreach (double e in Errors)
                sum += e * e;
            return sum / Errors.Length;
        }
    }
}
