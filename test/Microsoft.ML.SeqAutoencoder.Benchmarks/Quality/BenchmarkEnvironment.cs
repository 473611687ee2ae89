using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Quality
{
    /// <summary>A missing data folder or another setup problem, reported as a message without a stack trace.</summary>
    internal sealed class BenchmarkSetupException : Exception
    {
        public BenchmarkSetupException(string message)
            : base(message)
        {
        }
    }

    /// <summary>Where the repository, the shared data and the output folder are, and what machine this is.</summary>
    internal static class BenchmarkEnvironment
    {
        /// <summary>The folder holding Microsoft.ML.SeqAutoencoder.sln, found by walking up from the executable.</summary>
        public static string RepoRoot { get; } = FindRepoRoot();

        /// <summary>A data folder under ../shared/data beside the repository; throws a clear message if absent.</summary>
        public static string SharedData(string name)
        {
            if (RepoRoot == null)
                throw new BenchmarkSetupException($"No folder containing Microsoft.ML.SeqAutoencoder.sln above {AppContext.BaseDirectory}.");
            string folder = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data", name));
            if (!Directory.Exists(folder))
                throw new BenchmarkSetupException($"Data folder {folder} is missing: the benchmark expects ../shared/data/{name} beside the repository root ({RepoRoot}).");
            return folder;
        }

        /// <summary>artifacts/benchmarks under the repository root, created if needed.</summary>
        public static string OutputFolder()
        {
            string folder = Path.Combine(RepoRoot ?? Directory.GetCurrentDirectory(), "artifacts", "benchmarks");
            Directory.CreateDirectory(folder);
            return folder;
        }

        /// <summary>One line: CPU model, logical cores, RAM, OS, .NET and TorchSharp versions.</summary>
        public static string Describe()
        {
            string cpu = "unknown CPU";
            if (File.Exists("/proc/cpuinfo"))
            {
                string line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line != null)
                    cpu = line.Substring(line.IndexOf(':') + 1).Trim();
            }
            string ram = "unknown RAM";
            if (File.Exists("/proc/meminfo"))
            {
                string line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal));
                if (line != null && long.TryParse(new string(line.Where(char.IsDigit).ToArray()), out long kb))
                    ram = $"{kb / 1024.0 / 1024.0:F1} GiB RAM";
            }
            string torchSharp = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "?";
            return $"{cpu}, {Environment.ProcessorCount} logical cores, {ram}, {RuntimeInformation.OSDescription}, " +
                $".NET {Environment.Version}, TorchSharp {torchSharp}";
        }

        private static string FindRepoRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Microsoft.ML.SeqAutoencoder.sln")))
                    return dir.FullName;
            }
            return null;
        }
    }
}
