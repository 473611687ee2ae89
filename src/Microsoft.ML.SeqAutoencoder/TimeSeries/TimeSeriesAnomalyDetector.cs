using System;
using System.IO;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Persistence;
using Microsoft.ML.SeqAutoencoder.TimeSeries;

[assembly: LoadableClass(typeof(TimeSeriesAnomalyDetector), null, typeof(SignatureLoadModel),
    TimeSeriesAnomalyDetector.UserName, TimeSeriesAnomalyDetector.LoaderSignature)]

namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// <see cref="ITransformer"/> resulting from fitting a <see cref="TimeSeriesAnomalyEstimator"/>: scores the
    /// window of the last WindowSize rows at every row of a time series and appends Alert, Raw Score and P-Value.
    /// </summary>
    /// <remarks>
    /// <see cref="Transform"/> is lazy and stateful along the rows: a cursor keeps the last WindowSize time
    /// steps and scores the windows of <see cref="SequenceAutoencoderOptions.ScoringBatchSize"/>
    /// consecutive rows per forward pass. Rows are scored in order, so the view cannot shuffle. The first
    /// WindowSize − 1 rows have no full window: they get Alert 0, Raw Score 0 and P-Value 1.
    /// Scores fail closed: a window whose raw score is not finite (an overflow on extreme input) alerts with Raw Score +∞ and
    /// the smallest p-value. A step holding NaN or ∞ makes the cursor throw, naming the column and the row, unless the
    /// detector was trained with <see cref="TimeSeriesAnomalyOptions.NonFiniteStepsAreAnomalies"/>: then that row alerts.
    /// It is not a row-to-row mapper (a row's output depends on the rows before it), so prediction engines
    /// cannot use it; use <see cref="CreateOnlineEngine()"/> to score one row at a time.
    /// The transformer owns a native (libtorch) network: dispose it when done. Save and load it with
    /// <c>mlContext.Model.Save</c>/<c>Load</c>; online engine state is saved separately (<see cref="TimeSeriesAnomalyEngine.SaveState"/>).
    /// </remarks>
    public sealed class TimeSeriesAnomalyDetector : ITransformer, IDisposable
    {
        internal const string LoaderSignature = "SeqAnomalyDetector";
        internal const string UserName = "Sequence Autoencoder Anomaly Detector";

        private static readonly string[] _slotNames = { "Alert", "Raw Score", "P-Value" };

        private readonly IHost _host;
        private readonly WindowScorer _scorer;
        private readonly int _scoringBatchSize;

        internal TimeSeriesAnomalyDetector(IHostEnvironment env, string inputColumnName, string outputColumnName,
            WindowScorer scorer, int scoringBatchSize, bool nonFiniteStepsAreAnomalies)
        {
            _host = Contracts.CheckRef(env, nameof(env)).Register(nameof(TimeSeriesAnomalyDetector));
            InputColumnName = inputColumnName;
            OutputColumnName = outputColumnName;
            _scorer = scorer;
            _scoringBatchSize = scoringBatchSize;
            NonFiniteStepsAreAnomalies = nonFiniteStepsAreAnomalies;
        }

        // 0x00010001 = initial
        // 0x00010002 = the raw score kind is no longer written (only the window mean remains)
        // 0x00010003 = Prediction and Composite modes: the two part scales of a composite score; NonFiniteStepsAreAnomalies
        private static VersionInfo GetVersionInfo()
            => ModelVersions.For("SEQ ANOM", LoaderSignature, written: 0x00010003, readBackTo: ModelVersions.Initial);

        // Factory method for SignatureLoadModel.
        private static TimeSeriesAnomalyDetector Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            ModelVersions.CheckAtModel(env, ctx, GetVersionInfo());

            // *** Binary format ***
            // string: input column name
            // string: output column name
            // int: window size W
            // int: (version 0x00010001 only) raw score kind, always 0 = mean over the window
            // double: confidence, percent
            // int: scoring batch size
            // int: number n of held-out window scores
            // double[n]: held-out window scores, ascending
            // (0x00010003) double: reconstruction scale; double: forecast scale (1 unless Composite)
            // (0x00010003) byte: 1 if non-finite steps are anomalies, 0 if they throw
            // stream "SequenceAutoencoder": the network (architecture, standardization, weights; its mode and forecast length)
            return ModelDecode.Read("sequence anomaly detector", () =>
            {
                string input = ctx.LoadNonEmptyString();
                string output = ctx.LoadNonEmptyString();
                int windowSize = ModelDecode.Size(ctx.Reader.ReadInt32(), "window size", min: 2);
                if (ctx.Header.ModelVerWritten == ModelVersions.Initial)
                    env.CheckDecode(ctx.Reader.ReadInt32() == 0);
                double confidence = ctx.Reader.ReadDouble();
                env.CheckDecode(confidence > 0 && confidence < 100);
                int batchSize = ModelDecode.Size(ctx.Reader.ReadInt32(), "scoring batch size");
                int n = ModelDecode.Count(ctx.Reader, ctx.Reader.ReadInt32(), sizeof(double), "held-out window scores");
                env.CheckDecode(n > 0);
                var scores = new double[n];
                for (int i = 0; i < n; i++)
                {
                    scores[i] = ctx.Reader.ReadDouble();
                    env.CheckDecode(double.IsFinite(scores[i]) && (i == 0 || scores[i] >= scores[i - 1]));
                }
                double reconstructionScale = 1, forecastScale = 1;
                bool nonFiniteStepsAreAnomalies = false;
                if (ctx.Header.ModelVerWritten >= 0x00010003)
                {
                    reconstructionScale = ctx.Reader.ReadDouble();
                    forecastScale = ctx.Reader.ReadDouble();
                    env.CheckDecode(reconstructionScale > 0 && double.IsFinite(reconstructionScale) && forecastScale > 0 && double.IsFinite(forecastScale));
                    byte flag = ctx.Reader.ReadByte();
                    env.CheckDecode(flag <= 1);
                    nonFiniteStepsAreAnomalies = flag == 1;
                }
                var model = AutoencoderModelFormat.Load(ctx);
                try
                {
                    env.CheckDecode(ctx.Header.ModelVerWritten >= 0x00010003 || model.Architecture.Mode == SequenceAutoencoderMode.Reconstruction);
                    ModelDecode.SequenceValues(windowSize + model.Architecture.PredictionLength, model.Architecture.FeaturesPerStep, "a window");
                    return new TimeSeriesAnomalyDetector(env, input, output,
                        new WindowScorer(model, windowSize, scores, confidence, reconstructionScale, forecastScale), batchSize, nonFiniteStepsAreAnomalies);
                }
                catch
                {
                    model.Dispose();
                    throw;
                }
            });
        }

        void ICanSaveModel.Save(ModelSaveContext ctx)
        {
            _host.CheckValue(ctx, nameof(ctx));
            ObjectDisposedException.ThrowIf(_scorer.Model.IsDisposed, this);
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());

            // *** Binary format ***: see Create.
            ctx.SaveNonEmptyString(InputColumnName);
            ctx.SaveNonEmptyString(OutputColumnName);
            ctx.Writer.Write(_scorer.WindowSize);
            ctx.Writer.Write(_scorer.Confidence);
            ctx.Writer.Write(_scoringBatchSize);
            ctx.Writer.Write(_scorer.NullScores.Length);
            foreach (double score in _scorer.NullScores)
                ctx.Writer.Write(score);
            ctx.Writer.Write(_scorer.ReconstructionScale);
            ctx.Writer.Write(_scorer.ForecastScale);
            ctx.Writer.Write((byte)(NonFiniteStepsAreAnomalies ? 1 : 0));
            AutoencoderModelFormat.Save(ctx, _scorer.Model);
        }

        /// <summary>Name of the input column (one time step per row).</summary>
        public string InputColumnName { get; }

        /// <summary>Name of the added column: a vector of 3 <see cref="double"/> (Alert, Raw Score, P-Value).</summary>
        public string OutputColumnName { get; }

        /// <summary>
        /// Whether a row whose step holds NaN or ∞ alerts (Raw Score +∞, the smallest p-value) rather than making the cursor throw;
        /// see <see cref="TimeSeriesAnomalyOptions.NonFiniteStepsAreAnomalies"/>.
        /// </summary>
        public bool NonFiniteStepsAreAnomalies { get; }

        /// <summary>Number of rows (time steps) in each scored window.</summary>
        public int WindowSize => _scorer.WindowSize;

        /// <summary>Number of features in each time step.</summary>
        public int FeaturesPerStep => _scorer.FeaturesPerStep;

        /// <summary>What the network was trained to produce, and so what the raw score measures.</summary>
        public SequenceAutoencoderMode Mode => _scorer.Model.Architecture.Mode;

        /// <summary>Rows forecast after each window (Prediction and Composite modes; 0 otherwise).</summary>
        public int PredictionLength => _scorer.PredictionLength;

        /// <summary>Confidence in percent: a row alerts when its p-value is below 1 − Confidence/100.</summary>
        public double Confidence => _scorer.Confidence;

        /// <summary>Number of held-out training windows whose scores form the null distribution of the p-values.</summary>
        public int HeldOutWindowCount => _scorer.NullScores.Length;

        /// <summary>How much memory the outputs a transformed view keeps for later cursors may take (see <c>MLNet/OutputCache</c>).</summary>
        internal OutputCacheBudget OutputCacheBudget { get; set; } = OutputCacheBudget.Default();

        /// <summary>The scorer (network, null distribution), for tests and components built on it.</summary>
        internal WindowScorer Scorer => _scorer;

        /// <summary>Always false: a row's output depends on the rows before it.</summary>
        public bool IsRowToRowMapper => false;

        /// <summary>The input schema with the added column.</summary>
        public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
        {
            _host.CheckValue(inputSchema, nameof(inputSchema));
            ObjectDisposedException.ThrowIf(_scorer.Model.IsDisposed, this);
            CreateStepColumn().Check(_host, inputSchema);
            return new ColumnBindings(inputSchema, new[] { OutputColumn(OutputColumnName) }).Schema;
        }

        /// <summary>A lazy view of <paramref name="input"/> with the added column, scored in row order when read.</summary>
        public IDataView Transform(IDataView input)
        {
            _host.CheckValue(input, nameof(input));
            ObjectDisposedException.ThrowIf(_scorer.Model.IsDisposed, this);
            var column = CreateStepColumn();
            int index = column.Check(_host, input.Schema);
            return new LookAheadDataView(_host, input, index, new[] { OutputColumn(OutputColumnName) },
                _ => new WindowLookAheadBatch(_host, column, index, _scorer, _scoringBatchSize),
                (_, batch, row) => WindowLookAheadBatch.MakeGetter(batch, row), OutputCacheBudget, nameof(TimeSeriesAnomalyDetector));
        }

        /// <summary>Not supported: the detector is stateful along the rows. Use <see cref="CreateOnlineEngine()"/>.</summary>
        /// <exception cref="InvalidOperationException">Always.</exception>
        public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
            => throw _host.Except($"{nameof(TimeSeriesAnomalyDetector)} is not a row-to-row mapper: a row's output depends on the rows before it. " +
                $"Use {nameof(CreateOnlineEngine)}() to score one row at a time.");

        /// <summary>An engine that scores a new stream one time step at a time, exactly as <see cref="Transform"/> does.</summary>
        public TimeSeriesAnomalyEngine CreateOnlineEngine()
        {
            ObjectDisposedException.ThrowIf(_scorer.Model.IsDisposed, this);
            return new TimeSeriesAnomalyEngine(_host, _scorer, CreateStepColumn());
        }

        /// <summary>An engine that continues a stream from a state written by <see cref="TimeSeriesAnomalyEngine.SaveState"/>.</summary>
        /// <param name="state">A readable stream positioned at the state; it is left open.</param>
        /// <exception cref="InvalidDataException">The stream does not hold a state for this detector's window and features.</exception>
        public TimeSeriesAnomalyEngine CreateOnlineEngine(Stream state)
        {
            var engine = CreateOnlineEngine();
            engine.LoadState(state);
            return engine;
        }

        private StepColumn CreateStepColumn() => new StepColumn(InputColumnName, FeaturesPerStep, NonFiniteStepsAreAnomalies);

        internal static DataViewSchema.DetachedColumn OutputColumn(string name)
        {
            var annotations = new DataViewSchema.Annotations.Builder();
            annotations.AddSlotNames(_slotNames.Length, (ref VBuffer<ReadOnlyMemory<char>> names) =>
            {
                var editor = VBufferEditor.Create(ref names, _slotNames.Length);
                for (int i = 0; i < _slotNames.Length; i++)
                    editor.Values[i] = _slotNames[i].AsMemory();
                names = editor.Commit();
            });
            return new DataViewSchema.DetachedColumn(name, new VectorDataViewType(NumberDataViewType.Double, _slotNames.Length), annotations.ToAnnotations());
        }

        /// <summary>Releases the native network. The transformer and its engines cannot be used afterwards.</summary>
        public void Dispose() => _scorer.Model.Dispose();
    }
}
