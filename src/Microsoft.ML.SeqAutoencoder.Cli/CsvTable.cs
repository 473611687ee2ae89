using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace Microsoft.ML.SeqAutoencoder.Cli
{
    /// <summary>
    /// A CSV file read whole: column names (from the header, or 1-based positions with <c>--no-header</c>) and
    /// the cells as text. Comma-separated, one record per line; cells may be wrapped in double quotes but may
    /// not contain commas or line breaks.
    /// </summary>
    internal sealed class CsvTable
    {
        private CsvTable(string path, string[] columns, List<string[]> rows, int firstDataLine)
        {
            Path = path;
            Columns = columns;
            Rows = rows;
            FirstDataLine = firstDataLine;
        }

        public string Path { get; }

        public string[] Columns { get; }

        public List<string[]> Rows { get; }

        /// <summary>1-based line number of the first data row, for messages.</summary>
        public int FirstDataLine { get; }

        public static CsvTable Read(string path, bool hasHeader)
        {
            if (!File.Exists(path))
                throw new CliException($"input file '{path}' not found.");
            var lines = File.ReadLines(path).Select((text, i) => (Text: text, Line: i + 1)).Where(l => l.Text.Trim().Length > 0).ToList();
            if (lines.Count == 0 || (hasHeader && lines.Count == 1))
                throw new CliException($"{path}: the file has no data rows.");
            string[] first = Split(lines[0].Text);
            string[] columns = hasHeader ? first : Enumerable.Range(1, first.Length).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
            var duplicate = columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (duplicate != null)
                throw new CliException($"{path}: the header names column '{duplicate.Key}' twice.");
            var rows = new List<string[]>(lines.Count);
            foreach (var (text, line) in lines.Skip(hasHeader ? 1 : 0))
            {
                string[] cells = Split(text);
                if (cells.Length != columns.Length)
                    throw new CliException($"{path}: line {line} has {cells.Length} cells; expected {columns.Length}.");
                rows.Add(cells);
            }
            return new CsvTable(path, columns, rows, lines[hasHeader ? 1 : 0].Line);
        }

        /// <summary>
        /// Resolves <c>--columns</c>: comma-separated names and inclusive ranges <c>first:last</c> (file order).
        /// Null or empty: every column except <paramref name="exclude"/>.
        /// </summary>
        public int[] Select(string spec, params string[] exclude)
        {
            if (string.IsNullOrWhiteSpace(spec))
            {
                int[] all = Enumerable.Range(0, Columns.Length).Where(i => !exclude.Contains(Columns[i])).ToArray();
                if (all.Length == 0)
                    throw new CliException($"{Path}: no feature columns are left after excluding {string.Join(", ", exclude)}.");
                return all;
            }
            var result = new List<int>();
            foreach (string item in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                int colon = item.IndexOf(':');
                if (colon < 0)
                {
                    result.Add(IndexOf(item));
                    continue;
                }
                int from = IndexOf(item[..colon].Trim()), to = IndexOf(item[(colon + 1)..].Trim());
                if (to < from)
                    throw new CliException($"column range '{item}': '{Columns[to]}' comes before '{Columns[from]}' in {Path}.");
                result.AddRange(Enumerable.Range(from, to - from + 1));
            }
            return result.ToArray();
        }

        /// <summary>The index of a named column, or a clear error listing the columns there are.</summary>
        public int IndexOf(string name)
        {
            int index = Array.IndexOf(Columns, name);
            if (index < 0)
            {
                string known = string.Join(", ", Columns.Take(8)) + (Columns.Length > 8 ? $", ... ({Columns.Length} in all)" : "");
                throw new CliException($"{Path}: no column named '{name}'; the columns are: {known}.");
            }
            return index;
        }

        /// <summary>The selected cells of every row as numbers, row by row.</summary>
        public float[][] ReadNumbers(int[] columns)
        {
            var result = new float[Rows.Count][];
            for (int r = 0; r < Rows.Count; r++)
            {
                var values = new float[columns.Length];
                for (int c = 0; c < columns.Length; c++)
                    values[c] = ParseNumber(r, columns[c]);
                result[r] = values;
            }
            return result;
        }

        public float ParseNumber(int row, int column)
        {
            string cell = Rows[row][column];
            if (!float.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) || !float.IsFinite(value))
                throw new CliException($"{Path}: line {FirstDataLine + row}, column '{Columns[column]}': '{cell}' is not a finite number.");
            return value;
        }

        /// <summary>
        /// The cells of one line (RFC 4180): a cell in double quotes may hold commas, and "" inside it is one quote;
        /// cells outside quotes are trimmed.
        /// </summary>
        internal static string[] Split(string line)
        {
            var cells = new List<string>();
            var cell = new StringBuilder();
            bool quoted = false, wasQuoted = false;
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (quoted)
                {
                    if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                    {
                        cell.Append('"');
                        i++;
                    }
                    else if (c == '"')
                    {
                        quoted = false;
                    }
                    else
                    {
                        cell.Append(c);
                    }
                }
                else if (c == '"' && cell.ToString().Trim().Length == 0)
                {
                    quoted = wasQuoted = true;
                    cell.Clear();
                }
                else if (c == ',')
                {
                    cells.Add(wasQuoted ? cell.ToString() : cell.ToString().Trim());
                    cell.Clear();
                    wasQuoted = false;
                }
                else if (!wasQuoted)
                {
                    cell.Append(c);
                }
            }
            cells.Add(wasQuoted ? cell.ToString() : cell.ToString().Trim());
            return cells.ToArray();
        }

        /// <summary>Writes a CSV: the given pass-through columns of this table, then the added columns.</summary>
        public void Write(string path, int[] passThrough, string[] addedNames, Func<int, IEnumerable<string>> added)
        {
            using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
            writer.WriteLine(string.Join(",", passThrough.Select(c => Quote(Columns[c])).Concat(addedNames)));
            for (int r = 0; r < Rows.Count; r++)
                writer.WriteLine(string.Join(",", passThrough.Select(c => Quote(Rows[r][c])).Concat(added(r))));
        }

        /// <summary>A cell as RFC 4180 writes it: in double quotes, with each quote doubled, when it holds a comma, a quote or spaces.</summary>
        internal static string Quote(string cell)
            => cell.IndexOfAny(new[] { ',', '"', ' ', '\r', '\n' }) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;

        /// <summary>A number written so that it reads back to the same value (round-trip format, invariant culture).</summary>
        public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
