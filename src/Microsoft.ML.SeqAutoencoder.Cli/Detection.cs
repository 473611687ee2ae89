namespace Microsoft.ML.SeqAutoencoder.Cli
{
    /// <summary>Scores and alerts for every row of an input file.</summary>
    internal sealed class Detection
    {
        public CsvTable Table { get; set; }

        public int[] Columns { get; set; }

        public CsvSettings Settings { get; set; }

        public ModelTask Task { get; set; }

        /// <summary>Per-sequence: Score in [0, 1) (0.5 = learned threshold). Time series: the raw score.</summary>
        public double[] Scores { get; set; }

        public bool[] Alerts { get; set; }

        /// <summary>Time series only.</summary>
        public double[] PValues { get; set; }

        /// <summary>Time series only: the first feature column, for the plot.</summary>
        public double[] Signal { get; set; }

        /// <summary>Per-sequence only: the Score threshold in use.</summary>
        public double Threshold { get; set; }
    }
}
