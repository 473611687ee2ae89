using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.TimeSeries;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Native;

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
    /// apart. The rows of the last HoldOutFraction of those windows are held out; the windows before them that share no
    /// row with the held-out rows train the autoencoder, and every window of the held-out rows (1 apart) is then
    /// scored: their raw scores form an empirical null distribution. Features are scaled per feature before the network
    /// (FeatureScaling; Robust by default: median and interquartile range, so near-constant or rarely switching 0/1
    /// features do not blow up into huge standardized values).
    ///
    /// Mode decides what the network does with a window and what the raw score is:
    /// Reconstruction rebuilds the window and scores the mean squared error over all its steps and features;
    /// Prediction reads the window and forecasts the PredictionLength rows after it, scoring the forecast's mean squared
    /// error (the LSTM-AD / telemanom approach); Composite does both, scoring the sum of the two errors, each divided by
    /// its median on the held-out windows. In the forecasting modes a row's span is the window of WindowSize rows before
    /// the last PredictionLength rows, which are the ones forecast: the first WindowSize + PredictionLength − 1 rows have
    /// no full span. Scoring only the window's last step was measured against the window mean with the same network (windows of 16, a noisy periodic signal with an injected
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
    /// Scores fail closed: a raw score that is not finite (an overflow on extreme input) gives Alert 1, Raw Score +∞ and
    /// the smallest p-value. A NaN or ∞ input value throws, naming the column and row, unless NonFiniteStepsAreAnomalies.
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

        /// <summary>Trains the autoencoder on the windows of the input column and scores the held-out ones.</summary>
        public TimeSeriesAnomalyDetector Fit(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            int f = _options.FeaturesPerStep > 0 ? _options.FeaturesPerStep : InferFeaturesPerStep(input.Schema);
            var column = new StepColumn(_options.InputColumnName, f);
            int index = column.Check(_host, input.Schema);
            int w = _options.WindowSize;
            int span = w + _options.TargetSteps;

            using var ch = _host.Start("Training");
            // The series is held once, in segments of up to segmentSteps rows, each starting with the last span − 1 rows
            // of the one before: every span (window and forecast rows) lies inside one segment, so the training and
            // held-out windows are views of the segments, not copies (W times the series for overlapping windows).
            int overlap = span - 1;
            int segmentSteps = Math.Max(4 * span, SequenceSet.DefaultChunkValues / f);
            int advance = segmentSteps - overlap;
            var series = new SequenceSet(f);
            long rows = 0;
            using (var cursor = input.GetRowCursor(new[] { input.Schema[index] }))
            {
                var read = column.CreateReader(ch, cursor, index, () => cursor.Position);
                var segment = new float[(long)segmentSteps * f];
                var step = new float[f];
                int filled = 0;
                while (cursor.MoveNext())
                {
                    read(step);
                    step.CopyTo(segment, filled * f);
                    filled++;
                    rows++;
                    if (filled == segmentSteps)
                    {
                        series.Add(segment);
                        Array.Copy(segment, (long)advance * f, segment, 0, (long)overlap * f);
                        filled = overlap;
                    }
                }
                if (filled > overlap || series.Count == 0 && filled > 0)
                    series.Add(segment.AsSpan(0, filled * f));
            }

            var plan = WindowPlan.For(rows, span, _options.Stride, _options.HoldOutFraction);
            if (plan.TrainingWindows < 1)
            {
                string windows = span > w ? $"Windows of {w} rows and the {span - w} rows forecast from them ({span} rows)" : $"Windows of {w} rows";
                throw ch.Except($"Column '{column.Name}': {rows} training rows are too few. {windows}, {_options.Stride} apart, " +
                    $"give {plan.Windows} window(s); the rows of the last {plan.Windows - plan.TrainingWindows} are held out (HoldOutFraction {_options.HoldOutFraction}) and " +
                    $"{plan.TrainingWindows} remain to train the network without sharing rows with them. " +
                    $"At least {WindowPlan.MinimumRows(span, _options.Stride, _options.HoldOutFraction)} rows are needed.");
            }

            int stride = _options.Stride;
            // The spans (window + forecast rows) starting at rows firstRow, firstRow + step, ...: views of the segments.
            SequenceSet Spans(long firstRow, int count, int step)
            {
                int SegmentOf(int k) => (int)((firstRow + (long)k * step) / advance);
                return series.Views(count, SegmentOf, k => (int)(firstRow + (long)k * step - (long)SegmentOf(k) * advance), span, _options.TargetSteps);
            }

            int seed = _options.Seed ?? _host.Rand.Next();
            var options = Resolved(f);
            var trainer = options.CreateTrainer(seed);
            ch.Info($"Training a sequence anomaly detector (window {w}, {options.Mode}{(span > w ? $" of {span - w} rows" : "")}, " +
                $"{options.CreateEncoderShape()}, {options.FeatureScaling} scaling) on {plan.TrainingWindows} windows of {rows} rows; " +
                $"{plan.HeldOutWindows} held out; seed {seed}.");
            ch.Info(NativeAllocator.Report());
            SequenceAutoencoderModel model = trainer.Train(Spans(0, plan.TrainingWindows, stride), progress: p => ch.Info(p.ToString()), checkAlive: _host.CheckAlive);
            try
            {
                var parts = new List<(double Reconstruction, double Forecast)>(plan.HeldOutWindows);
                var probe = new WindowScorer(model, w, Array.Empty<double>(), options.Confidence);
                SequenceSet heldOut = Spans(plan.FirstHeldOutRow, plan.HeldOutWindows, 1);
                int[] all = heldOut.All();
                for (int start = 0; start < all.Length; start += options.ScoringBatchSize)
                {
                    _host.CheckAlive();
                    parts.AddRange(probe.Parts(heldOut, all[start..Math.Min(all.Length, start + options.ScoringBatchSize)]));
                }
                // Composite mode: each part counts relative to its typical size on normal data.
                bool composite = options.Mode == SequenceAutoencoderMode.Composite;
                double reconstructionScale = composite ? PositiveMedian(parts.Select(p => p.Reconstruction)) : 1;
                double forecastScale = composite ? PositiveMedian(parts.Select(p => p.Forecast)) : 1;
                var scorer = new WindowScorer(model, w, Array.Empty<double>(), options.Confidence, reconstructionScale, forecastScale);
                double[] sorted = parts.Select(scorer.RawScore).Where(double.IsFinite).OrderBy(s => s).ToArray();
                if (sorted.Length == 0)
                    throw ch.Except("No held-out window got a finite score: the training data or the network is degenerate.");
                double alpha = 1 - options.Confidence / 100;
                if (1.0 / (1 + sorted.Length) >= alpha)
                {
                    ch.Warning($"Only {sorted.Length} held-out windows: the smallest possible p-value, 1/{sorted.Length + 1}, is not below " +
                        $"1 - Confidence/100 = {alpha:G4}, so no alert can fire. Use more training rows, a larger HoldOutFraction or a lower Confidence.");
                }
                ch.Info($"Held-out window scores: median {sorted[sorted.Length / 2]:G4}, max {sorted[^1]:G4}.");
                return new TimeSeriesAnomalyDetector(_host, options.InputColumnName, options.OutputColumnName,
                    new WindowScorer(model, w, sorted, options.Confidence, reconstructionScale, forecastScale), options.ScoringBatchSize,
                    options.NonFiniteStepsAreAnomalies);
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }

        /// <summary>The options with FeaturesPerStep resolved.</summary>
        private TimeSeriesAnomalyOptions Resolved(int featuresPerStep)
        {
            var options = (TimeSeriesAnomalyOptions)_options.MemberwiseCopy();
            options.FeaturesPerStep = featuresPerStep;
            return options;
        }

        /// <summary>F from the input column when the options leave it to the data: 1 for a Single, the size of a known-size vector.</summary>
        private int InferFeaturesPerStep(DataViewSchema schema)
        {
            var column = schema.GetColumnOrNull(_options.InputColumnName);
            if (column is null)
                throw _host.ExceptSchemaMismatch(nameof(schema), "input", _options.InputColumnName);
            return column.Value.Type switch
            {
                NumberDataViewType n when n == NumberDataViewType.Single => 1,
                VectorDataViewType v when v.ItemType == NumberDataViewType.Single && v.IsKnownSize && v.Dimensions.Length == 1 => v.Size,
                var t => throw _host.ExceptSchemaMismatch(nameof(schema), "input", _options.InputColumnName,
                    "Single or known-sized vector of Single (one time step per row)", t.ToString()),
            };
        }

        private static double PositiveMedian(IEnumerable<double> values)
        {
            double[] sorted = values.Where(double.IsFinite).OrderBy(v => v).ToArray();
            double median = sorted.Length == 0 ? 0 : sorted[sorted.Length / 2];
            return median > 1e-12 ? median : 1e-12;
        }

        /// <summary>
        /// Checks the input column (<see cref="float"/> or a vector of <see cref="float"/>) and returns the schema
        /// with the added 3-element vector of <see cref="double"/> and its slot names.
        /// </summary>
        public SchemaShape GetOutputSchema(SchemaShape inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            new StepColumn(_options.InputColumnName, _options.FeaturesPerStep).Check(_host, inputSchema);
            var columns = inputSchema.ToDictionary(c => c.Name);
            var slotNames = new SchemaShape.Column(AnnotationUtils.Kinds.SlotNames, SchemaShape.Column.VectorKind.Vector,
                TextDataViewType.Instance, false);
            columns[_options.OutputColumnName] = new SchemaShape.Column(_options.OutputColumnName,
                SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Double, false, new SchemaShape(new[] { slotNames }));
            return new SchemaShape(columns.Values);
        }
    }
}
