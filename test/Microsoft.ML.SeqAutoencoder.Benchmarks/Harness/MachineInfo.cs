using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Harness
{
    /// <summary>The machine and software a run was measured on, for the report next to the figures.</summary>
    internal sealed class MachineInfo
    {
        public string CpuModel { get; private set; }

        public int LogicalCores { get; private set; }

        public long MemoryMiB { get; private set; }

        public string OperatingSystem { get; private set; }

        public string Kernel { get; private set; }

        public string Glibc { get; private set; }

        public string DotNet { get; private set; }

        public string TorchSharp { get; private set; }

        public string LibTorch { get; private set; }

        public int TorchThreads { get; private set; }

        public int TorchInteropThreads { get; private set; }

        public DateTimeOffset Date { get; private set; }

        /// <summary>Collects the facts. Loads libtorch (for its version and thread counts).</summary>
        public static MachineInfo Collect()
        {
            return new MachineInfo
            {
                CpuModel = CpuDescription(),
                LogicalCores = Environment.ProcessorCount,
                MemoryMiB = MemInfoKiB("MemTotal") / 1024,
                OperatingSystem = OsRelease() ?? RuntimeInformation.OSDescription,
                Kernel = ReadFirstLine("/proc/sys/kernel/osrelease") ?? "?",
                Glibc = NativeHeap.GlibcVersion() ?? "none",
                DotNet = RuntimeInformation.FrameworkDescription,
                TorchSharp = TorchSharpVersion(),
                LibTorch = __version__,
                TorchThreads = get_num_threads(),
                TorchInteropThreads = get_num_interop_threads(),
                Date = DateTimeOffset.UtcNow,
            };
        }

        /// <summary>The TorchSharp package version.</summary>
        public static string TorchSharpVersion()
            => typeof(TorchSharp.torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
                ?? typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString();

        /// <summary>The 1, 5 and 15 minute load averages (<c>/proc/loadavg</c>), or NaN.</summary>
        public static (double One, double Five, double Fifteen) LoadAverage()
        {
            string line = ReadFirstLine("/proc/loadavg");
            if (line is null)
                return (double.NaN, double.NaN, double.NaN);
            string[] parts = line.Split(' ');
            return (Parse(parts[0]), Parse(parts[1]), Parse(parts[2]));

            static double Parse(string s) => double.Parse(s, CultureInfo.InvariantCulture);
        }

        /// <summary>Name/value lines for a report.</summary>
        public IEnumerable<(string Name, string Value)> Describe()
        {
            yield return ("CPU", $"{CpuModel}, {LogicalCores} logical cores");
            yield return ("RAM", $"{MemoryMiB / 1024.0:F1} GiB");
            yield return ("OS", $"{OperatingSystem}, kernel {Kernel}");
            yield return ("glibc", Glibc);
            yield return (".NET", DotNet);
            yield return ("TorchSharp / libtorch", $"{TorchSharp} / {LibTorch} (CPU)");
            yield return ("torch threads", $"{TorchThreads} intra-op, {TorchInteropThreads} inter-op");
            yield return ("date (UTC)", Date.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        }

        /// <summary>"AMD EPYC (family 25, model 1, AVX2 FMA)": virtual machines often show only a generic name.</summary>
        private static string CpuDescription()
        {
            string name = CpuInfoValue("model name");
            if (name is null)
                return RuntimeInformation.ProcessArchitecture.ToString();
            string[] flags = (CpuInfoValue("flags") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string vector = string.Join(' ', new[] { "avx512f", "avx2", "fma" }.Where(f => flags.Contains(f)).Select(f => f.ToUpperInvariant()));
            return $"{name} (family {CpuInfoValue("cpu family") ?? "?"}, model {CpuInfoValue("model") ?? "?"}{(vector.Length > 0 ? ", " + vector : "")})";
        }

        private static string CpuInfoValue(string key)
        {
            if (!File.Exists("/proc/cpuinfo"))
                return null;
            foreach (string line in File.ReadLines("/proc/cpuinfo"))
            {
                int colon = line.IndexOf(':');
                if (colon > 0 && line.Substring(0, colon).Trim() == key)
                    return line.Substring(colon + 1).Trim();
            }
            return null;
        }

        private static long MemInfoKiB(string key)
        {
            if (!File.Exists("/proc/meminfo"))
                return 0;
            string line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal));
            if (line is null)
                return 0;
            return long.Parse(line.Split((char[])null, StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }

        private static string OsRelease()
        {
            if (!File.Exists("/etc/os-release"))
                return null;
            string line = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
            return line?.Substring("PRETTY_NAME=".Length).Trim('"');
        }

        private static string ReadFirstLine(string path)
            => File.Exists(path) ? File.ReadLines(path).FirstOrDefault()?.Trim() : null;
    }
}
