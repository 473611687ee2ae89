using System;
using System.Runtime.InteropServices;

namespace Microsoft.ML.SeqAutoencoder.Native
{
    /// <summary>
    /// Keeps glibc from handing large tensor blocks back to the OS after every training step.
    /// </summary>
    /// <remarks>
    /// By default glibc serves blocks above its mmap threshold with fresh mappings and unmaps them on free,
    /// so every step of LSTM training pays page faults again for its activations and gradients; the largest
    /// LSTM blocks are above glibc's 32 MiB ceiling for its dynamic threshold, so it never adapts to them.
    /// Before the first training in the process we set <c>M_MMAP_MAX = 0</c> (large blocks come from the heap
    /// and are reused) and <c>M_TRIM_THRESHOLD</c> to <see cref="TrimThresholdBytes"/> (free memory at the top
    /// of the heap is kept up to that much). Measured on 2 cores (docs/benchmarks.md, allocator benchmark): a
    /// T=100/F=38/H=128/B=128 step 332 ms with glibc's defaults, 215 ms with this; T=512/F=1/H=32/B=32 138 ms and
    /// 54 ms. The cost is memory: the heap grows somewhat past the largest step (peak RSS about 100 MiB higher
    /// for those shapes; bounded by roughly the working set plus the trim threshold). When a training ends,
    /// <see cref="ReleaseFreeMemory"/> returns the freed heap to the OS with <c>malloc_trim(0)</c> (measured: RSS
    /// after training 511 → 204 MiB for the first shape, as low as with glibc's defaults).
    /// Linux with glibc only; elsewhere nothing happens.
    /// Opt out with the AppContext switch <see cref="DisableSwitchName"/> or the environment variable
    /// <see cref="DisableEnvironmentVariable"/>=1. A <c>GLIBC_TUNABLES</c> that already sets
    /// <c>glibc.malloc.*</c> is respected and left alone.
    /// </remarks>
    internal static class NativeAllocator
    {
        /// <summary>AppContext switch that turns the tuning off.</summary>
        public const string DisableSwitchName = "Microsoft.ML.SeqAutoencoder.DisableNativeAllocatorTuning";

        /// <summary>Environment variable that turns the tuning off when set to 1 or true.</summary>
        public const string DisableEnvironmentVariable = "SEQAE_DISABLE_MALLOC_TUNING";

        /// <summary>Free heap memory kept before glibc trims it back to the OS.</summary>
        /// <remarks>
        /// It must exceed what one training step frees at the top of the heap, or every step trims and faults the
        /// memory in again. Measured (docs/benchmarks.md): 64-256 MiB were clearly slower for the larger shapes and
        /// did not lower peak RSS; 1 GiB was no faster than 512 MiB.
        /// </remarks>
        public const int TrimThresholdBytes = 512 * 1024 * 1024;

        private const int M_TRIM_THRESHOLD = -1;
        private const int M_MMAP_MAX = -4;

        private static readonly object _gate = new object();
        private static NativeAllocatorState _state = NativeAllocatorState.NotAttempted;

        /// <summary>What happened on the first call of <see cref="EnsureConfigured()"/>.</summary>
        public static NativeAllocatorState State
        {
            get
            {
                lock (_gate)
                    return _state;
            }
        }

        /// <summary>Applies the setting once per process (later calls do nothing) and says what happened.</summary>
        public static NativeAllocatorState EnsureConfigured() => EnsureConfigured(out _);

        /// <summary>Applies the setting once per process; <paramref name="now"/> says whether this call made the change.</summary>
        public static NativeAllocatorState EnsureConfigured(out bool now)
        {
            lock (_gate)
            {
                now = _state == NativeAllocatorState.NotAttempted;
                if (now)
                    _state = Configure();
                return _state;
            }
        }

        /// <summary>
        /// Applies the setting if no training has yet, and describes the process-wide native state for a training's log:
        /// the allocator (what was changed, and whether by this call, or why nothing was) and the OpenMP wait policy
        /// (<see cref="OpenMpWaitPolicy"/>).
        /// </summary>
        public static string Report() => AllocatorReport() + " " + OpenMpWaitPolicy.Report();

        private static string AllocatorReport()
        {
            NativeAllocatorState state = EnsureConfigured(out bool now);
            return state switch
            {
                NativeAllocatorState.Applied => $"Native allocator: glibc malloc tuned for libtorch, process-wide (M_MMAP_MAX=0, M_TRIM_THRESHOLD={TrimThresholdBytes / (1024 * 1024)} MiB){(now ? ", applied now, before this first training" : ", applied by an earlier training")}; " +
                    $"set {DisableEnvironmentVariable}=1 to leave malloc alone.",
                NativeAllocatorState.DisabledByUser => "Native allocator: left alone (turned off by the user or GLIBC_TUNABLES).",
                NativeAllocatorState.NotGlibc => "Native allocator: not glibc, nothing to tune.",
                _ => "Native allocator: glibc refused the tuning; malloc keeps its defaults.",
            };
        }

        /// <summary>
        /// Gives the heap memory that is free back to the OS (<c>malloc_trim(0)</c>) when the tuning is applied;
        /// called when a training ends, since the high trim threshold otherwise keeps it. Returns whether it ran.
        /// </summary>
        public static unsafe bool ReleaseFreeMemory()
        {
            if (State != NativeAllocatorState.Applied)
                return false;
            if (!NativeLibrary.TryLoad("libc.so.6", out IntPtr libc) || !NativeLibrary.TryGetExport(libc, "malloc_trim", out IntPtr trim))
                return false;
            ((delegate* unmanaged<nuint, int>)trim)(0);
            return true;
        }

        private static unsafe NativeAllocatorState Configure()
        {
            if (!OperatingSystem.IsLinux())
                return NativeAllocatorState.NotGlibc;
            if (AppContext.TryGetSwitch(DisableSwitchName, out bool disabled) && disabled)
                return NativeAllocatorState.DisabledByUser;
            string env = Environment.GetEnvironmentVariable(DisableEnvironmentVariable);
            if (env == "1" || string.Equals(env, "true", StringComparison.OrdinalIgnoreCase))
                return NativeAllocatorState.DisabledByUser;
            string tunables = Environment.GetEnvironmentVariable("GLIBC_TUNABLES");
            if (tunables != null && tunables.Contains("glibc.malloc.", StringComparison.Ordinal))
                return NativeAllocatorState.DisabledByUser;

            if (!NativeLibrary.TryLoad("libc.so.6", out IntPtr libc))
                return NativeAllocatorState.NotGlibc;
            // gnu_get_libc_version exists only in glibc (not musl), whose mallopt understands these parameters.
            if (!NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _) ||
                !NativeLibrary.TryGetExport(libc, "mallopt", out IntPtr malloptAddress))
            {
                return NativeAllocatorState.NotGlibc;
            }
            var mallopt = (delegate* unmanaged<int, int, int>)malloptAddress;
            // mallopt returns 1 on success.
            bool ok = mallopt(M_MMAP_MAX, 0) == 1 & mallopt(M_TRIM_THRESHOLD, TrimThresholdBytes) == 1;
            return ok ? NativeAllocatorState.Applied : NativeAllocatorState.Failed;
        }
    }

    /// <summary>Outcome of the allocator tuning.</summary>
    internal enum NativeAllocatorState
    {
        /// <summary>No training has started yet.</summary>
        NotAttempted,

        /// <summary>mallopt was applied.</summary>
        Applied,

        /// <summary>Turned off by the AppContext switch, the environment variable or GLIBC_TUNABLES.</summary>
        DisabledByUser,

        /// <summary>Not Linux with glibc: nothing to do.</summary>
        NotGlibc,

        /// <summary>glibc refused a setting.</summary>
        Failed,
    }
}
