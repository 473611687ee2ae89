using System;
using System.IO;

namespace Microsoft.ML.SeqAutoencoder.Tests.Native
{
    /// <summary>Where the tests find TorchSharp's native bridge, and what the build patches in it.</summary>
    internal static class TorchSharpNativeFiles
    {
        /// <summary>The TorchSharp package version whose libLibTorchSharp.so the build patches.</summary>
        public const string PackageVersion = "0.107.0";

        public const string Library = "libstdc++.so.6";
        public const string Version = "GLIBCXX_3.4.32";
        public const string MarkerSymbol = "_ZSt21ios_base_library_initv";

        /// <summary>The NuGet global packages folder: NUGET_PACKAGES, else ~/.nuget/packages.</summary>
        public static string PackagesRoot
        {
            get
            {
                string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
                return string.IsNullOrEmpty(root)
                    ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")
                    : root;
            }
        }

        /// <summary>The package cache's torchsharp/&lt;version&gt; folder. Read only: never write there.</summary>
        public static string PackageFolder => Path.Combine(PackagesRoot, "torchsharp", PackageVersion);

        /// <summary>The original, unpatched libLibTorchSharp.so in the package cache. Read only.</summary>
        public static string CachedBridge
        {
            get
            {
                string path = Path.Combine(PackageFolder, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
                if (!File.Exists(path))
                {
                    throw new FileNotFoundException($"TorchSharp {PackageVersion} is not in the package cache (NUGET_PACKAGES or ~/.nuget/packages).", path);
                }

                return path;
            }
        }

        /// <summary>The build's copy of libLibTorchSharp.so in the test output folder.</summary>
        public static string OutputBridge => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
    }
}
