using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.TimeSeries;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// Detects anomalies in a time series (one row per time step) from the reconstruction error of an LSTM
    /// autoencoder over the window of the last WindowSize rows.
    /// </summary>
    /// <remarks>
    /// <format type="text/markdown"><![CDATA[
    /// To create this estimator, use [DetectAnomalyBySequenceAutoencoder](xref:Microsoft.ML.TimeSeriesAnomalyCatalog.DetectAnomalyBySequenceAutoencoder*).
    ///
    /// ### Estimator Characteristics
    /// |  |  |
    /// | -- | -- |
    /// | Does this estimator need to look at the data to train its parameters? | Yes |
    /// | Input column data type | <xref:System.Single>, or known-sized vector of <xref:System.Single> (FeaturesPerStep values per row) |
    /// | Output column data type | 3-element vector of <xref:System.Double>: Alert, Raw Score, P-Value |
    /// | Exportable to ONNX | No |
    ///
    /// ### Algorithm
    /// Fit reads the training rows in order and slides windows of WindowSize rows over them, Stride rows
    /// apart. The last HoldOutFraction of the windows is held out; the windows before them that share no
    /// row with a held-out window train a Reconstruction-mode autoencoder. The held-out windows are then
    /// scored: their raw scores form an empirical null distribution.
    ///
    /// The raw score of a window is the mean squared reconstruction error over all its steps and features,
    /// each feature divided by its training standard deviation. Scoring only the window's last step was
    /// measured against it with the same network (windows of 16, a noisy periodic signal with an injected
    /// spike, level shift and frequency change, three noise seeds; test
    /// `WindowMeanScoresDetectBetterThanLastStepScores`): AUC-PR 0.998–0.999 for the window mean against
    /// 0.61–0.62 for the last step when a row counts as anomalous if its window contains an anomaly, and
    /// 0.87–0.89 against 0.67–0.69 when only the anomalous rows themselves count. One step's error is noisy;
    /// the mean pools the evidence of every anomalous step in the window.
    ///
    /// At row t the output is computed from the window of rows t − WindowSize + 1 … t only (causal):
    /// Raw Score is that window's score, P-Value = (1 + #{held-out scores ≥ Raw Score}) / (1 + n) for n
    /// held-out windows, and Alert is 1 when P-Value &lt; 1 − Confidence/100. The first WindowSize − 1 rows
    /// have no full window: Alert 0, Raw Score 0, P-Value 1. With n held-out windows the smallest p-value is
    /// 1/(1 + n), so at Confidence 99 at least 100 held-out windows are needed for any alert; Fit warns
    /// otherwise. Because the window mean is used, one anomalous row raises the scores of the WindowSize
    /// windows that contain it: alerts start at the anomaly and may continue up to WindowSize − 1 rows after it.
    ///
    /// The transformer owns a native network: dispose it when done. For one row at a time, use its
    /// CreateOnlineEngine().
    /// ]]></format>
    /// </remarks>
    /// <seealso cref="TimeSeriesAnomalyCatalog.DetectAnomalyBySequenceAutoencoder(TransformsCatalog, string, string, int, int, double)"/>
    /// <seealso cref="TimeSeriesAnomalyCatalog.DetectAnomalyBySequenceAutoencoder(TransformsCatalog, TimeSeriesAnomalyOptions)"/>
    public sealed class TimeSeriesAnomalyEstimator : IEstimator<TimeSeriesAnomalyDetector>
    {
        private readonly IHost _host;
        private readonly TimeSeriesAnomalyOptions _options;

        internal TimeSeriesAnomalyEstimator(IHostEnvironment env, TimeSeriesAnomalyOptions options)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(TimeSeriesAnomalyEstimator));
            _host.CheckValue(options, nameof(options));
            options.Check(_host);
            _options = options;
        }

        private StepColumn InputColumn => new StepColumn(_options.InputColumnName, _options.FeaturesPerStep);

        /// <summary>Trains the autoencoder on the windows of the input column and scores the held-out ones.</summary>
        public TimeSeriesAnomalyDetector Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            StepColumn column = InputColumn;
            int index = column.Check(_host, input.Schema);
            int w = _options.WindowSize;
            int f = _options.FeaturesPerStep;

            using var ch = _host.Start("Training");
            var steps = new List<float>();
            long rows = 0;
            using (var cursor = input.GetRowCursor(new[] { input.Schema[index] }))
            {
                var read = column.CreateReader(ch, cursor, index, () => cursor.Position);
                var step = new float[f];
                while (cursor.MoveNext())
                {
                    read(step);
                    steps.AddRange(step);
                    rows++;
                }
            }

            var plan = WindowPlan.For(rows, w, _options.Stride, _options.HoldOutFraction);
            if (plan.TrainingWindows < 1)
            {
                throw ch.Except($"Column '{column.Name}': {rows} training rows are too few. Windows of {w} rows, {_options.Stride} apart, " +
                    $"give {plan.Windows} window(s); {plan.HeldOutWindows} are held out (HoldOutFraction {_options.HoldOutFraction}) and " +
                    $"{plan.TrainingWindows} remain to train the network without sharing rows with them. " +
                    $"At least {WindowPlan.MinimumRows(w, _options.Stride, _options.HoldOutFraction)} rows are needed.");
            }

            float[] values = steps.ToArray();
            int stride = _options.Stride;
            SequenceSet Windows(int first, int count)
            {
                var windows = new SequenceSet(f);
                for (int i = first; i < first + count; i++)
                    windows.Add(values.AsSpan(i * stride * f, w * f));
                return windows;
            }

            int seed = _options.Seed ?? _host.Rand.Next();
            var trainer = _options.CreateTrainer(seed);
            ch.Info($"Training a sequence anomaly detector (window {w}, {_options.CreateEncoderShape()}) on {plan.TrainingWindows} windows " +
                $"of {rows} rows; {plan.HeldOutWindows} held out; seed {seed}.");
            SequenceAutoencoderModel model = trainer.Train(Windows(0, plan.TrainingWindows), progress: p => ch.Info(p.ToString()), checkAlive: _host.CheckAlive);
            try
            {
                var scorer = new WindowScorer(model, w, Array.Empty<double>(), _options.Confidence);
                SequenceSet heldOut = Windows(plan.Windows - plan.HeldOutWindows, plan.HeldOutWindows);
                int[] all = heldOut.All();
                var nullScores = new List<double>(heldOut.Count);
                for (int start = 0; start < all.Length; start += _options.ScoringBatchSize)
                {
                    _host.CheckAlive();
                    nullScores.AddRange(scorer.RawScores(heldOut, all[start..Math.Min(all.Length, start + _options.ScoringBatchSize)]));
                }
                double[] sorted = nullScores.OrderBy(s => s).ToArray();
                double alpha = 1 - _options.Confidence / 100;
                if (1.0 / (1 + sorted.Length) >= alpha)
                {
                    ch.Warning($"Only {sorted.Length} held-out windows: the smallest possible p-value, 1/{sorted.Length + 1}, is not below " +
                        $"1 - Confidence/100 = {alpha:G4}, so no alert can fire. Use more training rows, a larger HoldOutFraction or a lower Confidence.");
                }
                ch.Info($"Held-out window scores: median {sorted[sorted.Length / 2]:G4}, max {sorted[^1]:G4}.");
                return new TimeSeriesAnomalyDetector(_host, _options.InputColumnName, _options.OutputColumnName,
                    new WindowScorer(model, w, sorted, _options.Confidence), _options.ScoringBatchSize);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Checks the input column (<see cref="float"/> or a vector of <see cref="float"/>) and returns the schema
        /// with the added 3-element vector of <see cref="double"/> and its slot names.
        /// </summary>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            InputColumn.Check(_host, inputSchema);
            var columns = inputSchema.ToDictionary(c => c.Name);
            var slotNames = new SchemaShape.Column(AnnotationUtils.Kinds.SlotNames, SchemaShape.Column.VectorKind.Vector,
                TextDataViewType.Instance, false);
            columns[_options.OutputColumnName] = new SchemaShape.Column(_options.OutputColumnName,
                SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Double, false, new SchemaShape(new[] { slotNames }));
            return new SchemaShape(columns.Values);
        }
    }
}
