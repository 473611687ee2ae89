using System;
using System.Globalization;
using System.IO;

namespace Microsoft.ML.SeqAutoencoder.Native
{
    /// <summary>
    /// How much memory this process could still take without making the machine page: the smaller of the kernel's
    /// estimate (<c>MemAvailable</c> in <c>/proc/meminfo</c>, Linux) and what the .NET runtime's limit leaves above the
    /// process's working set (a container's memory limit is part of that limit). Elsewhere, the runtime's view alone.
    /// </summary>
    internal static class AvailableMemory
    {
        /// <summary>The bytes available now; never negative.</summary>
        public static long Bytes()
        {
            var info = GC.GetGCMemoryInfo();
            long runtime = info.TotalAvailableMemoryBytes - Environment.WorkingSet;
            long kernel = KernelAvailableBytes() ?? info.TotalAvailableMemoryBytes - info.MemoryLoadBytes;
            return Math.Max(0, Math.Min(runtime, kernel));
        }

        /// <summary><c>MemAvailable</c> from <c>/proc/meminfo</c>, or null where there is none.</summary>
        internal static long? KernelAvailableBytes()
        {
            const string path = "/proc/meminfo";
            try
            {
                if (!File.Exists(path))
                    return null;
                foreach (string line in File.ReadLines(path))
                {
                    if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                        continue;
                    string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kib))
                        return kib * 1024;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            return null;
        }
    }
}
