using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Text;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Harness
{
    /// <summary>
    /// Runs this benchmark executable again as a child process, for measurements that need a fresh process
    /// (process-wide native state such as malloc settings, peak RSS). The child prints one line starting
    /// with <see cref="ResultPrefix"/> followed by its result; everything else it prints is passed through
    /// on failure only.
    /// </summary>
    internal static class ChildProcess
    {
        /// <summary>Marks the child's result line on standard output.</summary>
        public const string ResultPrefix = "##seqae-result ";

        /// <summary>
        /// Starts this executable with <paramref name="arguments"/> and the parent's environment, minus
        /// <paramref name="removeVariables"/>, plus <paramref name="setVariables"/>; waits at most
        /// <paramref name="timeout"/>; returns the text after <see cref="ResultPrefix"/>.
        /// </summary>
        public static string Run(IReadOnlyList<string> arguments, IEnumerable<string> removeVariables,
            IReadOnlyDictionary<string, string> setVariables, TimeSpan timeout)
        {
            string self = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown.");
            var fullArguments = new List<string>();
            // Run with 'dotnet Benchmarks.dll' the process is the dotnet host: pass the assembly first.
            if (Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
                fullArguments.Add(Assembly.GetEntryAssembly().Location);
            fullArguments.AddRange(arguments);
            return RunProgram(self, fullArguments, removeVariables, setVariables, timeout);
        }

        /// <summary>
        /// Like <see cref="Run"/> for another program (the PyTorch reference): starts <paramref name="fileName"/>
        /// with <paramref name="arguments"/> and returns the text after <see cref="ResultPrefix"/> on its output.
        /// </summary>
        public static string RunProgram(string fileName, IReadOnlyList<string> arguments, IEnumerable<string> removeVariables,
            IReadOnlyDictionary<string, string> setVariables, TimeSpan timeout)
        {
            var start = new ProcessStartInfo
            {
                FileName = fileName,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string argument in arguments)
                start.ArgumentList.Add(argument);
            foreach (string name in removeVariables)
                start.Environment.Remove(name);
            foreach (var (name, value) in setVariables)
                start.Environment[name] = value;

            var output = new StringBuilder();
            var error = new StringBuilder();
            using var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    lock (output)
                        output.AppendLine(e.Data);
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    lock (error)
                        error.AppendLine(e.Data);
                }
            };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit((int)timeout.TotalMilliseconds))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new TimeoutException($"The child process ({string.Join(' ', arguments)}) did not finish within {timeout}.");
            }
            // Drain the asynchronous readers.
            process.WaitForExit();

            string stdout, stderr;
            lock (output)
                stdout = output.ToString();
            lock (error)
                stderr = error.ToString();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"The child process ({string.Join(' ', arguments)}) exited with code {process.ExitCode}.{Environment.NewLine}{stdout}{stderr}");
            }
            foreach (string line in stdout.Split('\n'))
            {
                if (line.StartsWith(ResultPrefix, StringComparison.Ordinal))
                    return line.Substring(ResultPrefix.Length).TrimEnd('\r');
            }
            throw new InvalidOperationException(
                $"The child process ({string.Join(' ', arguments)}) printed no result line.{Environment.NewLine}{stdout}{stderr}");
        }

        /// <summary>Prints <paramref name="result"/> as the child's result line.</summary>
        public static void WriteResult(string result)
        {
            if (result.Contains('\n'))
                throw new ArgumentException("The result must be one line.", nameof(result));
            Console.Out.WriteLine(ResultPrefix + result);
            Console.Out.Flush();
        }
    }
}
