namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Allocator
{
    /// <summary>What one child process measured; travels to the parent as one line of JSON.</summary>
    internal sealed class AllocatorChildResult
    {
        /// <summary>Shape name.</summary>
        public string Shape { get; set; }

        /// <summary><c>NativeAllocator.State</c> after training.</summary>
        public string AllocatorState { get; set; }

        /// <summary>GLIBC_TUNABLES as the child saw it (null when unset).</summary>
        public string GlibcTunables { get; set; }

        /// <summary>torch.get_num_threads() in the child.</summary>
        public int TorchThreads { get; set; }

        /// <summary>Duration of each warm-up step, ms.</summary>
        public double[] WarmupMilliseconds { get; set; }

        /// <summary>Duration of each timed step, ms.</summary>
        public double[] StepMilliseconds { get; set; }

        /// <summary>Minor page faults during the timed steps, all of them.</summary>
        public long TimedMinorFaults { get; set; }

        /// <summary>User-mode CPU time of the timed steps, all threads, ms.</summary>
        public double TimedUserCpuMilliseconds { get; set; }

        /// <summary>Kernel-mode CPU time of the timed steps, all threads, ms.</summary>
        public double TimedKernelCpuMilliseconds { get; set; }

        /// <summary>VmRSS once libtorch is loaded and the data generated, just before training, KiB.</summary>
        public long RssBeforeTrainingKiB { get; set; }

        /// <summary>VmHWM after training: the process's peak resident set, KiB.</summary>
        public long PeakRssKiB { get; set; }

        /// <summary>VmRSS after training returned (trained model still alive), KiB.</summary>
        public long EndRssKiB { get; set; }

        /// <summary>VmRSS after that, once <c>malloc_trim(0)</c> has returned free heap memory to the OS, KiB.</summary>
        public long TrimmedRssKiB { get; set; }

        /// <summary>mallinfo2 after training (before the trim): heap bytes (brk and arena heaps).</summary>
        public long HeapBytes { get; set; }

        /// <summary>mallinfo2 after training: free bytes kept inside the heap.</summary>
        public long HeapFreeBytes { get; set; }

        /// <summary>mallinfo2 after training: bytes in mmapped blocks.</summary>
        public long MmappedBytes { get; set; }

        /// <summary>
        /// True when the child gave up early because other processes used the CPU; then only
        /// <see cref="TimedOtherCpuCores"/> (over the steps run so far) is meaningful.
        /// </summary>
        public bool AbortedBusy { get; set; }

        /// <summary>Cores used by other processes during the timed steps (see <c>CpuActivity</c>).</summary>
        public double TimedOtherCpuCores { get; set; }

        /// <summary>1-minute load average when the child started.</summary>
        public double LoadAtStart { get; set; }

        /// <summary>1-minute load average when the child finished training.</summary>
        public double LoadAtEnd { get; set; }
    }
}
