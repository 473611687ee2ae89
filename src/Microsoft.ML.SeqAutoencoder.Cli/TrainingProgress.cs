using System;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.Runtime;
using Spectre.Console;

namespace Microsoft.ML.SeqAutoencoder.Cli
{
    /// <summary>
    /// Shows training progress from the library's log lines (<c>MLContext.Log</c>, one per epoch:
    /// "Epoch e/E: loss L, validation loss V, S s"): a Spectre.Console progress bar with loss and ETA on a
    /// terminal, or one plain line per epoch when the output is redirected.
    /// </summary>
    internal static partial class TrainingProgress
    {
        [GeneratedRegex(@"^Epoch (\d+)/(\d+): loss ([^,]+)(?:, validation loss ([^,]+))?")]
        private static partial Regex EpochLine();

        // The library's training stages: their Info lines (what is trained, held-out scores) are shown too.
        private static readonly string[] _sources = { "SequenceEncodingEstimator", "LstmAutoencoderAnomaly", "TimeSeriesAnomalyEstimator" };

        public static T Run<T>(MLContext mlContext, string title, Func<T> train)
        {
            bool interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            var clock = Stopwatch.StartNew();
            ProgressTask task = null;
            void OnLog(object sender, LoggingEventArgs e)
            {
                if (e.Kind != ChannelMessageKind.Info && e.Kind != ChannelMessageKind.Warning)
                    return;
                var match = EpochLine().Match(e.RawMessage);
                if (!match.Success)
                {
                    if (Array.Exists(_sources, s => e.Source.StartsWith(s, StringComparison.Ordinal)))
                        Say((e.Kind == ChannelMessageKind.Warning ? "warning: " : "") + e.RawMessage);
                    return;
                }
                int epoch = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
                int epochs = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                string loss = $"loss {match.Groups[3].Value}" + (match.Groups[4].Success ? $", validation {match.Groups[4].Value}" : "");
                var eta = TimeSpan.FromSeconds(clock.Elapsed.TotalSeconds / epoch * (epochs - epoch));
                if (task == null)
                {
                    Say($"epoch {epoch}/{epochs}  {loss}  ETA {eta:hh\\:mm\\:ss}");
                    return;
                }
                task.MaxValue = epochs;
                task.Value = epoch;
                task.Description = $"{Markup.Escape(title)}: epoch {epoch}/{epochs}, {Markup.Escape(loss)}";
            }

            void Say(string line)
            {
                if (interactive)
                    AnsiConsole.MarkupLine(Markup.Escape(line));
                else
                    Console.WriteLine(line);
            }

            mlContext.Log += OnLog;
            try
            {
                if (!interactive)
                    return train();
                T result = default;
                AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                        new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(context =>
                    {
                        task = context.AddTask(Markup.Escape(title));
                        result = train();
                        task.Value = task.MaxValue;
                    });
                return result;
            }
            finally
            {
                mlContext.Log -= OnLog;
            }
        }
    }
}
