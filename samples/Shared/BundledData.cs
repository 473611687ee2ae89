using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace Microsoft.ML.SeqAutoencoder.Samples
{
    /// <summary>Reads the bundled CSV files (no header; numbers only).</summary>
    internal static class BundledData
    {
        /// <summary>samples/data/heartbeats.csv: the class (0 normal, 1 ventricular, 2 atrial), then 64 samples.</summary>
        public static List<(int Label, float[] Values)> ReadHeartbeats(string path)
            => File.ReadLines(path)
                .Where(line => line.Length > 0)
                .Select(line => line.Split(','))
                .Select(cells => ((int)float.Parse(cells[0], CultureInfo.InvariantCulture),
                    cells.Skip(1).Select(c => float.Parse(c, CultureInfo.InvariantCulture)).ToArray()))
                .ToList();

        /// <summary>
        /// A gzip-compressed UCR/UEA file (no header): the class label first, then the values step-major, rows of any
        /// whole number of steps.
        /// </summary>
        public static List<(string Label, float[] Values)> ReadLabeledSequences(string path)
        {
            using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
            var rows = new List<(string, float[])>();
            for (string line = reader.ReadLine(); line != null; line = reader.ReadLine())
            {
                if (line.Length == 0)
                    continue;
                string[] cells = line.Split(',');
                rows.Add((cells[0], cells.Skip(1).Select(c => float.Parse(c, CultureInfo.InvariantCulture)).ToArray()));
            }
            return rows;
        }
    }
}
