using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using CliCommand = System.CommandLine.Command;

namespace Microsoft.ML.SeqAutoencoder.Cli
{
    /// <summary>
    /// seqae: train, encode, detect and evaluate with LSTM sequence autoencoders on CSV files. Exit codes: 0 done,
    /// 1 a failure (bad file, column, cell or model; one "error: ..." line on stderr), 2 a usage error.
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            var root = new RootCommand("seqae: LSTM sequence autoencoders on CSV files (Microsoft.ML.SeqAutoencoder).\n" +
                "Rows are sequences (T·F values, step-major) or, with --window, time steps.");

            var train = new CliCommand("train", "Train a model on a CSV file and write it as a zip (mlContext.Model.Save).")
            {
                CliOptions.Input, CliOptions.ModelOut, CliOptions.Columns, CliOptions.Label, CliOptions.NoHeader,
                CliOptions.FeaturesPerStep, CliOptions.Task, CliOptions.Window,
            };
            foreach (var option in CliOptions.TrainingOptions)
                train.Options.Add(option);
            train.SetAction(r => Guard(() => Commands.Train(r)));

            var encode = new CliCommand("encode", "Encode every row with an encoder model: a CSV with columns enc0, enc1, ... added.")
            {
                CliOptions.Input, CliOptions.ModelIn, CliOptions.Output, CliOptions.Columns, CliOptions.NoHeader,
            };
            encode.SetAction(r => Guard(() => Commands.Encode(r)));

            var detect = new CliCommand("detect", "Score every row with a detector model: a CSV with alert and score columns added (time series: alert, raw_score, p_value).")
            {
                CliOptions.Input, CliOptions.ModelIn, CliOptions.Output, CliOptions.Plot, CliOptions.Threshold, CliOptions.Columns, CliOptions.NoHeader,
            };
            detect.SetAction(r => Guard(() => Commands.Detect(r)));

            var evaluate = new CliCommand("evaluate", "Score a labeled CSV with a detector model and print AUC-PR, AUC-ROC, precision, recall and F1.")
            {
                CliOptions.Input, CliOptions.ModelIn, CliOptions.Label, CliOptions.Threshold, CliOptions.Columns, CliOptions.NoHeader,
            };
            evaluate.SetAction(r => Guard(() => Commands.Evaluate(r)));

            root.Subcommands.Add(train);
            root.Subcommands.Add(encode);
            root.Subcommands.Add(detect);
            root.Subcommands.Add(evaluate);

            ParseResult parsed = root.Parse(args);
            if (parsed.Errors.Count > 0)
            {
                foreach (var error in parsed.Errors)
                    Console.Error.WriteLine($"error: {error.Message}");
                string command = parsed.CommandResult.Command == root ? "" : parsed.CommandResult.Command.Name + " ";
                Console.Error.WriteLine($"Run 'seqae {command}--help' for usage.");
                return 2;
            }
            return parsed.Invoke();
        }

        /// <summary>Runs a command; any failure becomes one line on stderr and exit code 1, never a stack trace.</summary>
        private static int Guard(Func<int> command)
        {
            try
            {
                return command();
            }
            catch (Exception e)
            {
                Console.Out.Flush();
                Console.Error.WriteLine($"error: {OneLine(e)}");
                return 1;
            }
        }

        private static string Flag(string optionName)
            => optionName switch
            {
                "WindowSize" => "--window",
                "ScoringMethod" => "--scoring",
                "ReverseReconstruction" => "--no-reverse",
                _ => "--" + string.Concat(optionName.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "-" : "") + char.ToLowerInvariant(c) : c.ToString())),
            };

        private static string OneLine(Exception e)
        {
            // ML.NET wraps some failures (a model that fails to load comes as "Error during class instantiation" over the
            // load factory's TargetInvocationException); the message inside is the one that names the problem.
            while (e.InnerException != null && (e is AggregateException or System.Reflection.TargetInvocationException
                || e is InvalidOperationException && (e.Message.StartsWith("Operation", StringComparison.Ordinal) || e.Message.StartsWith("Error during class instantiation", StringComparison.Ordinal))))
            {
                e = e.InnerException;
            }
            string message = e switch
            {
                CliException => e.Message,
                FileNotFoundException f => $"file '{f.FileName}' not found.",
                // The library checks options with ML.NET's CheckUserArg: name the flag instead of the option field.
                ArgumentException a when a.ParamName != null && char.IsUpper(a.ParamName[0]) && !a.Message.StartsWith("Column", StringComparison.Ordinal)
                    => $"{Flag(a.ParamName)}: {a.Message.Replace($" (Parameter '{a.ParamName}')", "")}",
                _ => e.Message,
            };
            return string.Join(" ", message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.TrimEnd('\r')));
        }
    }
}
