using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Native;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Allocator
{
    /// <summary>
    /// One malloc configuration, applied through the child process's environment: the library's own tuning,
    /// the library switched off, or glibc tunables (which make the library step aside).
    /// </summary>
    internal sealed class AllocatorSetting
    {
        /// <summary>Environment variable through which glibc reads its tunables at process start.</summary>
        public const string GlibcTunables = "GLIBC_TUNABLES";

        private const long MiB = 1024 * 1024;

        private AllocatorSetting(string name, string description, NativeAllocatorState expectedState, string variable, string value)
        {
            Name = name;
            Description = description;
            ExpectedState = expectedState;
            Variables = variable is null
                ? new Dictionary<string, string>()
                : new Dictionary<string, string> { [variable] = value };
        }

        /// <summary>Every setting the benchmark knows; the baseline first.</summary>
        public static IReadOnlyList<AllocatorSetting> All { get; } = new[]
        {
            new AllocatorSetting("default", "glibc defaults (library tuning off: SEQAE_DISABLE_MALLOC_TUNING=1)",
                NativeAllocatorState.DisabledByUser, NativeAllocator.DisableEnvironmentVariable, "1"),
            new AllocatorSetting("library", $"library default: mallopt M_MMAP_MAX=0, M_TRIM_THRESHOLD={NativeAllocator.TrimThresholdBytes / MiB} MiB",
                NativeAllocatorState.Applied, null, null),
            Tunables("mmap0", "only mmap_max=0 (trim threshold left at glibc's 128 KiB)", "glibc.malloc.mmap_max=0"),
            Tunables("trim512", "only trim_threshold=512 MiB (large blocks still mmapped)", $"glibc.malloc.trim_threshold={512 * MiB}"),
            Tunables("mmap0-trim64", "mmap_max=0, trim_threshold=64 MiB", $"glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold={64 * MiB}"),
            Tunables("mmap0-trim128", "mmap_max=0, trim_threshold=128 MiB", $"glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold={128 * MiB}"),
            Tunables("mmap0-trim256", "mmap_max=0, trim_threshold=256 MiB", $"glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold={256 * MiB}"),
            Tunables("mmap0-trim512", "mmap_max=0, trim_threshold=512 MiB as tunables (control: the library's values, set from process start)",
                $"glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold={512 * MiB}"),
            Tunables("mmap0-trim1024", "mmap_max=0, trim_threshold=1 GiB", $"glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold={1024 * MiB}"),
            Tunables("mmapthr32", "mmap_threshold=32 MiB (glibc's maximum), trim_threshold=512 MiB",
                $"glibc.malloc.mmap_threshold={32 * MiB}:glibc.malloc.trim_threshold={512 * MiB}"),
        };

        /// <summary>The settings run when none are named.</summary>
        public static string DefaultSelection => "default,library,mmap0-trim512,mmap0,trim512,mmap0-trim64,mmap0-trim128,mmap0-trim256,mmap0-trim1024";

        /// <summary>Short name for the command line and the tables.</summary>
        public string Name { get; }

        /// <summary>What the setting does.</summary>
        public string Description { get; }

        /// <summary>What <see cref="NativeAllocator.State"/> must be in the child; anything else is an error.</summary>
        public NativeAllocatorState ExpectedState { get; }

        /// <summary>Environment variables set in the child (on top of the parent's, minus the malloc ones).</summary>
        public IReadOnlyDictionary<string, string> Variables { get; }

        /// <summary>Whether this is the glibc-defaults baseline.</summary>
        public bool IsBaseline => Name == "default";

        /// <summary>Environment variables that would change malloc behaviour; removed from every child first.</summary>
        public static IEnumerable<string> ControlledVariables
            => new[] { GlibcTunables, NativeAllocator.DisableEnvironmentVariable, "MALLOC_ARENA_MAX", "MALLOC_MMAP_MAX_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_" };

        /// <summary>Looks a setting up by name.</summary>
        public static AllocatorSetting Find(string name)
            => All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"Unknown allocator setting '{name}'; known: {string.Join(", ", All.Select(s => s.Name))}.");

        private static AllocatorSetting Tunables(string name, string description, string tunables)
            => new AllocatorSetting(name, description + $" [{GlibcTunables}={tunables}]", NativeAllocatorState.DisabledByUser, GlibcTunables, tunables);
    }
}
