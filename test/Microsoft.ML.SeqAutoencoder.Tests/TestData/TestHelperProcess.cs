using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.TestData
{
    /// <summary>Runs Microsoft.ML.SeqAutoencoder.TestHelper (built into the shared output folder) as a second process.</summary>
    internal static class TestHelperProcess
    {
        public static void Run(params string[] args)
        {
            string helper = Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.SeqAutoencoder.TestHelper.dll");
            Assert.True(File.Exists(helper), $"{helper} was not built");
            string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (string.IsNullOrEmpty(dotnet) || !File.Exists(dotnet))
                dotnet = "dotnet";
            var start = new ProcessStartInfo(dotnet) { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(helper);
            foreach (string a in args)
                start.ArgumentList.Add(a);
            using var process = Process.Start(start);
            string stdout = process.StandardOutput.ReadToEnd();
            string stderr = process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(120_000), "the helper process did not finish in 2 minutes");
            Assert.True(process.ExitCode == 0, $"helper exited with {process.ExitCode}:\n{stdout}\n{stderr}");
        }
    }
}
