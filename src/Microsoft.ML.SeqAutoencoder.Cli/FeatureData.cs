using System.Linq;
using Microsoft.ML.Data;

namespace Microsoft.ML.SeqAutoencoder.Cli
{
    /// <summary>Turns selected CSV cells into an <see cref="IDataView"/> with one known-size vector column, <c>Features</c>.</summary>
    internal static class FeatureData
    {
        public static IDataView Create(MLContext mlContext, float[][] rows)
        {
            var definition = SchemaDefinition.Create(typeof(Row));
            definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, rows[0].Length);
            return mlContext.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = r }), definition);
        }

        /// <summary>Reads the feature cells and checks the row length against F (one row per sequence).</summary>
        public static float[][] ReadSequences(CsvTable table, int[] columns, int featuresPerStep)
        {
            if (featuresPerStep < 1)
                throw new CliException("--features-per-step must be at least 1.");
            if (columns.Length % featuresPerStep != 0)
                throw new CliException($"{table.Path}: {columns.Length} feature columns are not a whole number of steps of {featuresPerStep} features (--features-per-step).");
            return table.ReadNumbers(columns);
        }

        private sealed class Row
        {
            public float[] Features { get; set; }
        }
    }
}
