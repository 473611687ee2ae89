using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.AnomalyDetection
{
    /// <summary>
    /// The SMAP telemetry channels (Hundman et al. 2018) shared beside the repository in ../shared/data/smap:
    /// <c>&lt;channel&gt;.train.csv.gz</c> (header v0..v24) and <c>&lt;channel&gt;.test.csv.gz</c> (v0..v24,Label).
    /// </summary>
    internal static class SmapData
    {
        /// <summary>The data folder, or null when the repository has no ../shared/data/smap beside it.</summary>
        public static string Folder { get; } = FindFolder();

        private static string FindFolder()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Microsoft.ML.SeqAutoencoder.sln")))
                {
                    string folder = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "data", "smap"));
                    return Directory.Exists(folder) ? folder : null;
                }
            }
            return null;
        }

        /// <summary>Column v0 of every row and, for test files, each row's 0/1 label.</summary>
        public static (float[] Values, float[] Labels) Read(string channel, string part)
        {
            string path = Path.Combine(Folder, $"{channel}.{part}.csv.gz");
            using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
            string[] header = reader.ReadLine().Split(',');
            Assert.Equal("v0", header[0]);
            int label = Array.IndexOf(header, "Label");
            var values = new List<float>();
            var labels = new List<float>();
            for (string line = reader.ReadLine(); line != null; line = reader.ReadLine())
            {
                string[] fields = line.Split(',');
                values.Add(float.Parse(fields[0], CultureInfo.InvariantCulture));
                if (label >= 0)
                    labels.Add(float.Parse(fields[label], CultureInfo.InvariantCulture));
            }
            return (values.ToArray(), labels.ToArray());
        }

        /// <summary>Windows of <paramref name="steps"/> values starting every <paramref name="stride"/> rows.</summary>
        public static List<AnomalyRow> Windows(float[] values, int steps, int stride)
        {
            var rows = new List<AnomalyRow>();
            for (int start = 0; start + steps <= values.Length; start += stride)
                rows.Add(new AnomalyRow { Features = values.AsSpan(start, steps).ToArray() });
            return rows;
        }

        /// <summary>The window ending at each row from row <paramref name="steps"/> − 1 on, labeled like that row.</summary>
        public static List<AnomalyRow> WindowsEndingAtEachRow(float[] values, float[] labels, int steps)
            => Enumerable.Range(steps - 1, values.Length - steps + 1)
                .Select(end => new AnomalyRow { Features = values.AsSpan(end - steps + 1, steps).ToArray(), Label = labels[end] })
                .ToList();
    }

    /// <summary>A fact that is skipped, with the reason, when the SMAP data folder is missing.</summary>
    public sealed class SmapFactAttribute : FactAttribute
    {
        public SmapFactAttribute()
        {
            if (SmapData.Folder == null)
                Skip = "../shared/data/smap (beside the repository root) is missing; the SMAP end-to-end test needs it.";
        }
    }
}
