using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Quality;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Harness
{
    /// <summary>
    /// A benchmark's markdown report: the machine, the start time, the load average and the command first; lines
    /// printed as they are measured; the total time and the load average at the end, then the whole report printed
    /// and written to <c>artifacts/benchmarks/&lt;name&gt;-&lt;time&gt;.md</c>.
    /// </summary>
    internal sealed class MarkdownReport
    {
        private readonly StringBuilder _text = new StringBuilder();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly string _name;

        /// <param name="name">The benchmark's name, the start of the file name.</param>
        /// <param name="command">The command line to reproduce the run (after the executable).</param>
        public MarkdownReport(string name, string command)
        {
            _name = name;
            _text.AppendLine(BenchmarkEnvironment.Describe());
            _text.AppendLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average at start {MachineInfo.LoadAverage().One:F2}; " +
                $"OMP_WAIT_POLICY {Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "unset"}; command: {command}");
            _text.AppendLine();
        }

        /// <summary>Appends a line to the report without printing it (headers, notes).</summary>
        public void Add(string line = "") => _text.AppendLine(line);

        /// <summary>Appends a measured line and prints it at once.</summary>
        public void Measured(string line)
        {
            Console.WriteLine(line);
            _text.AppendLine(line);
        }

        /// <summary>Ends the report (total time, load average), prints it and writes it; returns the file's path.</summary>
        public string Finish()
        {
            _text.AppendLine();
            _text.AppendLine($"Total {_clock.Elapsed.TotalMinutes:F1} min; load average at end {MachineInfo.LoadAverage().One:F2}.");
            Console.WriteLine();
            Console.WriteLine(_text);
            string path = Path.Combine(BenchmarkEnvironment.OutputFolder(), $"{_name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.md");
            File.WriteAllText(path, _text.ToString());
            Console.WriteLine($"Wrote {path}");
            return path;
        }
    }
}
