using System.Collections.Generic;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Speed
{
    /// <summary>
    /// What one child process of the speed benchmark measured, ours or the PyTorch reference's; travels to the parent
    /// as one line of JSON (the Python script writes the same names in snake case, see <see cref="PythonReference"/>).
    /// Fields a measurement does not produce stay null.
    /// </summary>
    internal sealed class SpeedChildResult
    {
        /// <summary>Timed training steps, ms.</summary>
        public double[] StepMilliseconds { get; set; }

        /// <summary>Untimed first steps, ms.</summary>
        public double[] WarmupMilliseconds { get; set; }

        /// <summary>Wall time of a whole training (data to tensors, model creation, every step), ms.</summary>
        public double? TotalMilliseconds { get; set; }

        /// <summary>Part of <see cref="TotalMilliseconds"/> spent inside training epochs (ML.NET Fit only), ms.</summary>
        public double? EpochMilliseconds { get; set; }

        /// <summary>Number of training steps in <see cref="TotalMilliseconds"/>.</summary>
        public int? TotalSteps { get; set; }

        /// <summary>Peak RSS of the process (VmHWM), KiB.</summary>
        public long? PeakRssKiB { get; set; }

        /// <summary>RSS before the measured part started, KiB.</summary>
        public long? RssBeforeKiB { get; set; }

        /// <summary>Managed heap after the measured part, bytes.</summary>
        public long? ManagedBytes { get; set; }

        /// <summary>CPU time of the whole child process, s (to tell how much of the machine others used meanwhile).</summary>
        public double CpuSeconds { get; set; }

        /// <summary>Intra-op threads of libtorch in the child.</summary>
        public int Threads { get; set; }

        /// <summary>Description of the software (PyTorch version, BLAS library...), for the report.</summary>
        public string Software { get; set; }

        /// <summary>Matrix product: n of the n×n×n float32 product.</summary>
        public int? MatrixSize { get; set; }

        /// <summary>Matrix product speed, GFLOP/s (best of the repeats).</summary>
        public double? Gflops { get; set; }

        /// <summary>Scoring throughputs.</summary>
        public List<ScoringResult> Scoring { get; set; }
    }

    /// <summary>One scoring throughput measurement.</summary>
    internal sealed class ScoringResult
    {
        /// <summary>"encode" or "anomaly".</summary>
        public string What { get; set; }

        /// <summary>How rows were scored: "Transform+cursor", "PredictionEngine", "PyTorch".</summary>
        public string Path { get; set; }

        /// <summary>What produced the column (for anomaly scores: which transformer and column).</summary>
        public string Column { get; set; }

        /// <summary>Rows per forward pass.</summary>
        public int Batch { get; set; }

        /// <summary>Rows scored while timing.</summary>
        public long Rows { get; set; }

        /// <summary>Seconds the timed rows took.</summary>
        public double Seconds { get; set; }

        /// <summary>Rows / seconds.</summary>
        public double RowsPerSecond => Seconds > 0 ? Rows / Seconds : 0;
    }
}
