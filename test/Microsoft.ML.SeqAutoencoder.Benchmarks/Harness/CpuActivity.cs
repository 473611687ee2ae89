using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Harness
{
    /// <summary>
    /// How much CPU the rest of the machine uses: the machine-wide busy time of <c>/proc/stat</c> minus this
    /// process's own CPU time, in cores. On a shared machine that tells whether a timing can be trusted better
    /// than the load average, which lags by a minute and counts this benchmark's own threads.
    /// </summary>
    internal static class CpuActivity
    {
        /// <summary>The kernel's USER_HZ: /proc/stat counts in 1/100 s on every Linux architecture .NET runs on.</summary>
        private const double TicksPerSecond = 100;

        /// <summary>
        /// CPU time all processors spent on anything but idle and I/O wait since boot (user, nice, system,
        /// irq, softirq and steal: time the hypervisor gave to someone else counts as taken). Zero off Linux.
        /// </summary>
        public static TimeSpan MachineBusyTime()
        {
            if (!File.Exists("/proc/stat"))
                return TimeSpan.Zero;
            using var reader = new StreamReader("/proc/stat");
            string line = reader.ReadLine();
            // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"; guest is inside user.
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long busy = 0;
            foreach (int index in new[] { 1, 2, 3, 6, 7, 8 })
            {
                if (index < fields.Length)
                    busy += long.Parse(fields[index], CultureInfo.InvariantCulture);
            }
            return TimeSpan.FromSeconds(busy / TicksPerSecond);
        }

        /// <summary>
        /// Cores used by other processes between two readings: machine busy time minus
        /// <paramref name="ownCpu"/>, over <paramref name="wall"/>. Resolution is 10 ms of CPU time.
        /// </summary>
        public static double OtherCores(TimeSpan machineBusy, TimeSpan ownCpu, TimeSpan wall)
            => wall <= TimeSpan.Zero ? 0 : Math.Max(0, (machineBusy - ownCpu).TotalSeconds / wall.TotalSeconds);

        /// <summary>Cores used by other processes over the next <paramref name="window"/> (this process sleeps meanwhile).</summary>
        public static double MeasureOtherCores(TimeSpan window)
        {
            using var self = Process.GetCurrentProcess();
            TimeSpan busyBefore = MachineBusyTime();
            TimeSpan ownBefore = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            Thread.Sleep(window);
            self.Refresh();
            return OtherCores(MachineBusyTime() - busyBefore, self.TotalProcessorTime - ownBefore, clock.Elapsed);
        }

        /// <summary>
        /// Waits until other processes use at most <paramref name="maxCores"/> (checked over 2 s windows),
        /// for at most <paramref name="timeout"/>. Returns the seconds waited and the last reading.
        /// </summary>
        public static (double WaitedSeconds, double OtherCores) WaitForQuiet(double maxCores, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            double other = MeasureOtherCores(TimeSpan.FromSeconds(1));
            while (other > maxCores && clock.Elapsed < timeout)
                other = MeasureOtherCores(TimeSpan.FromSeconds(2));
            return (clock.Elapsed.TotalSeconds < 1.5 ? 0 : clock.Elapsed.TotalSeconds, other);
        }
    }
}
