using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Harness
{
    /// <summary>Rows of text cells under a header, rendered as a markdown table or written as CSV.</summary>
    internal sealed class ResultTable
    {
        private readonly List<string[]> _rows = new List<string[]>();

        public ResultTable(params string[] headers)
        {
            if (headers.Length == 0)
                throw new ArgumentException("A table needs columns.", nameof(headers));
            Headers = headers;
        }

        public IReadOnlyList<string> Headers { get; }

        public void Add(params string[] cells)
        {
            if (cells.Length != Headers.Count)
                throw new ArgumentException($"The table has {Headers.Count} columns; the row has {cells.Length}.", nameof(cells));
            _rows.Add(cells);
        }

        /// <summary>A GitHub markdown table; columns after the first are right-aligned when numeric.</summary>
        public string ToMarkdown()
        {
            var text = new StringBuilder();
            text.Append("| ").Append(string.Join(" | ", Headers.Select(Escape))).AppendLine(" |");
            text.Append('|');
            for (int c = 0; c < Headers.Count; c++)
                text.Append(IsNumeric(c) ? " ---: |" : " --- |");
            text.AppendLine();
            foreach (string[] row in _rows)
                text.Append("| ").Append(string.Join(" | ", row.Select(Escape))).AppendLine(" |");
            return text.ToString();
        }

        /// <summary>Writes RFC 4180 CSV (comma, quotes where needed) to <paramref name="path"/>.</summary>
        public void WriteCsv(string path)
        {
            using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false));
            writer.WriteLine(string.Join(",", Headers.Select(Quote)));
            foreach (string[] row in _rows)
                writer.WriteLine(string.Join(",", row.Select(Quote)));
        }

        private bool IsNumeric(int column)
            => _rows.Count > 0 && _rows.All(r => r[column].Length > 0 && (char.IsDigit(r[column][0]) || r[column][0] == '-' || r[column][0] == '×'));

        private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);

        private static string Quote(string cell)
            => cell.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
    }
}
