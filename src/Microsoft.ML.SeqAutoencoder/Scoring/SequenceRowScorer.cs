using System;
using System.Collections.Generic;
using Microsoft.ML.SeqAutoencoder.Training;

namespace Microsoft.ML.SeqAutoencoder.Scoring
{
    /// <summary>
    /// Scores rows that each hold one sequence (step-major, T·F values). In Prediction and Composite modes a
    /// row is its input steps followed by PredictionLength steps to forecast; the encoder reads only the
    /// input steps. One forward pass per call, however many outputs are asked for.
    /// </summary>
    internal sealed class SequenceRowScorer
    {
        private readonly SequenceAutoencoderModel _model;
        private readonly float[] _std;

        public SequenceRowScorer(SequenceAutoencoderModel model)
        {
            _model = model;
            _std = model.FeatureStd;
        }

        public SequenceAutoencoderModel Model => _model;

        /// <summary>F.</summary>
        public int FeaturesPerStep => _model.Architecture.FeaturesPerStep;

        /// <summary>Steps at the end of each row that the prediction decoder forecasts (0 without one).</summary>
        public int PredictionLength => _model.Architecture.PredictionLength;

        /// <summary>Fewest steps a row may have: one input step plus the forecast steps.</summary>
        public int MinimumSteps => 1 + PredictionLength;

        /// <summary>
        /// Scores <paramref name="rows"/> (already validated: whole steps, at least <see cref="MinimumSteps"/>,
        /// finite). Only the requested outputs are computed; the others stay null / NaN.
        /// </summary>
        public ScoredSequence[] Score(IReadOnlyList<float[]> rows, bool reconstruction, bool forecast, bool error)
        {
            int f = FeaturesPerStep;
            int p = PredictionLength;
            var arch = _model.Architecture;
            bool runReconstruction = arch.HasReconstructionDecoder && (reconstruction || error);
            bool runForecast = arch.HasPredictionDecoder && (forecast || error);

            var inputs = new SequenceSet(f);
            foreach (float[] row in rows)
                inputs.Add(row.AsSpan(0, row.Length - p * f));
            var outputs = _model.Run(inputs, rows.Count, runReconstruction, runForecast);

            var scored = new ScoredSequence[rows.Count];
            for (int i = 0; i < rows.Count; i++)
            {
                float[] row = rows[i];
                var o = outputs[i];
                float err = float.NaN;
                if (error)
                {
                    double sum = 0;
                    long count = 0;
                    if (o.Reconstruction != null)
                        Accumulate(row.AsSpan(0, o.Reconstruction.Length), o.Reconstruction, ref sum, ref count);
                    if (o.Forecast != null)
                        Accumulate(row.AsSpan(row.Length - p * f), o.Forecast, ref sum, ref count);
                    err = (float)(sum / count);
                }
                scored[i] = new ScoredSequence(o.Code, reconstruction ? o.Reconstruction : null, forecast ? o.Forecast : null, err);
            }
            return scored;
        }

        private void Accumulate(ReadOnlySpan<float> expected, float[] actual, ref double sum, ref long count)
        {
            int f = FeaturesPerStep;
            for (int k = 0; k < actual.Length; k++)
            {
                double d = (actual[k] - expected[k]) / _std[k % f];
                sum += d * d;
            }
            count += actual.Length;
        }
    }

    /// <summary>Outputs for one row; arrays are null and the error NaN when not asked for.</summary>
    internal sealed record ScoredSequence(float[] Code, float[] Reconstruction, float[] Forecast, float Error)
    {
        /// <summary>Anomaly step scores (see <see cref="Anomaly.SequenceErrorScorer.StepScores"/>); null when not asked for.</summary>
        public float[] StepScores { get; init; }
    }
}
