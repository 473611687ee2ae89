using System;
using System.IO;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Harness
{
    /// <summary>Where benchmark results are written: <c>artifacts/benchmarks/</c> of the repository.</summary>
    internal static class ArtifactPaths
    {
        private const string SolutionFile = "Microsoft.ML.SeqAutoencoder.sln";

        /// <summary>
        /// <paramref name="overrideDirectory"/> when given, else artifacts/benchmarks under the repository
        /// that holds this executable (or the current directory's), else artifacts/benchmarks in the current
        /// directory. Created if missing.
        /// </summary>
        public static string ResultsDirectory(string overrideDirectory)
        {
            string directory = overrideDirectory
                ?? Path.Combine(FindRepositoryRoot(AppContext.BaseDirectory)
                    ?? FindRepositoryRoot(Environment.CurrentDirectory)
                    ?? Environment.CurrentDirectory, "artifacts", "benchmarks");
            Directory.CreateDirectory(directory);
            return Path.GetFullPath(directory);
        }

        private static string FindRepositoryRoot(string start)
        {
            for (var directory = new DirectoryInfo(start); directory != null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
                    return directory.FullName;
            }
            return null;
        }
    }
}
