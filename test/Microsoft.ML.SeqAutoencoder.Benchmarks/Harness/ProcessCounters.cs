using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Harness
{
    /// <summary>
    /// A snapshot of this process's memory and kernel counters, read from <c>/proc/self</c> (Linux; zeros
    /// elsewhere): resident set size now (VmRSS) and its peak since the start (VmHWM), page faults, and CPU
    /// time in user and kernel mode.
    /// </summary>
    internal readonly struct ProcessCounters
    {
        private ProcessCounters(long rssKiB, long peakRssKiB, long minorFaults, long majorFaults, TimeSpan userTime, TimeSpan kernelTime,
            TimeSpan machineBusyTime, long timestamp)
        {
            MachineBusyTime = machineBusyTime;
            Timestamp = timestamp;
            RssKiB = rssKiB;
            PeakRssKiB = peakRssKiB;
            MinorFaults = minorFaults;
            MajorFaults = majorFaults;
            UserTime = userTime;
            KernelTime = kernelTime;
        }

        /// <summary>Resident set size now, KiB.</summary>
        public long RssKiB { get; }

        /// <summary>Peak resident set size of the process so far ("high water mark"), KiB.</summary>
        public long PeakRssKiB { get; }

        /// <summary>Page faults served without I/O (for fresh anonymous memory: the kernel zeroing a page).</summary>
        public long MinorFaults { get; }

        /// <summary>Page faults that needed I/O.</summary>
        public long MajorFaults { get; }

        /// <summary>CPU time in user mode, all threads.</summary>
        public TimeSpan UserTime { get; }

        /// <summary>CPU time in kernel mode, all threads (page faults, mmap/munmap, brk, ...).</summary>
        public TimeSpan KernelTime { get; }

        /// <summary>Machine-wide busy CPU time since boot (<see cref="CpuActivity.MachineBusyTime"/>).</summary>
        public TimeSpan MachineBusyTime { get; }

        /// <summary><see cref="Stopwatch.GetTimestamp"/> when read.</summary>
        public long Timestamp { get; }

        /// <summary>
        /// Cores that other processes used between <paramref name="start"/> and <paramref name="end"/>
        /// (machine busy time minus this process's CPU time, over the wall time).
        /// </summary>
        public static double OtherCores(ProcessCounters start, ProcessCounters end)
            => CpuActivity.OtherCores(end.MachineBusyTime - start.MachineBusyTime,
                end.UserTime + end.KernelTime - start.UserTime - start.KernelTime,
                Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp));

        /// <summary>Reads the counters now.</summary>
        public static ProcessCounters Read()
        {
            long rss = 0, peak = 0, minor = 0, major = 0;
            if (File.Exists("/proc/self/status"))
            {
                foreach (string line in File.ReadLines("/proc/self/status"))
                {
                    if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                        rss = ParseKiB(line);
                    else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                        peak = ParseKiB(line);
                }
                // Fields after the parenthesized command name: state is field 3, minflt 10, majflt 12.
                string stat = File.ReadAllText("/proc/self/stat");
                string[] fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                minor = long.Parse(fields[10 - 3], CultureInfo.InvariantCulture);
                major = long.Parse(fields[12 - 3], CultureInfo.InvariantCulture);
            }
            using var process = Process.GetCurrentProcess();
            return new ProcessCounters(rss, peak, minor, major, process.UserProcessorTime, process.PrivilegedProcessorTime,
                CpuActivity.MachineBusyTime(), Stopwatch.GetTimestamp());
        }

        private static long ParseKiB(string line)
        {
            // "VmRSS:	  123456 kB"
            string[] parts = line.Split((char[])null, StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[1], CultureInfo.InvariantCulture);
        }
    }
}
