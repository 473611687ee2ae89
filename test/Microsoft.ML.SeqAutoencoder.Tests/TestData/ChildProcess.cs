using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.TestData
{
    /// <summary>What a child process printed and returned.</summary>
    internal sealed record ProcessOutcome(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit code {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
    }

    /// <summary>Runs an executable built into the shared output folder (a sample, the seqae tool) as a child process.</summary>
    internal static class ChildProcess
    {
        public static ProcessOutcome Run(string dll, params string[] args) => Run(dll, null, args);

        /// <summary>
        /// Runs <paramref name="dll"/> with <paramref name="environment"/> added to the child's environment (a null value
        /// removes the variable). Both output pipes are read asynchronously, so a child that fills one cannot deadlock.
        /// </summary>
        public static ProcessOutcome Run(string dll, System.Collections.Generic.IReadOnlyDictionary<string, string> environment, params string[] args)
        {
            string path = Path.Combine(AppContext.BaseDirectory, dll);
            Assert.True(File.Exists(path), $"{path} was not built");
            string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (string.IsNullOrEmpty(dotnet) || !File.Exists(dotnet))
                dotnet = "dotnet";
            var start = new ProcessStartInfo(dotnet) { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(path);
            foreach (string a in args)
                start.ArgumentList.Add(a);
            // Tiny models: one libtorch thread, and no spinning while the test host waits.
            start.Environment["OMP_NUM_THREADS"] = "1";
            start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
            foreach (var (name, value) in environment ?? new System.Collections.Generic.Dictionary<string, string>())
            {
                if (value is null)
                    start.Environment.Remove(name);
                else
                    start.Environment[name] = value;
            }
            using var process = Process.Start(start);
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(180_000))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{dll} {string.Join(" ", args)} did not finish in 3 minutes");
            }
            return new ProcessOutcome(process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
