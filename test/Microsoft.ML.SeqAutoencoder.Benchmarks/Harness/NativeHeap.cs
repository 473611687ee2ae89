using System;
using System.Runtime.InteropServices;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Harness
{
    /// <summary>glibc facts: its version and what <c>mallinfo2</c> says about the malloc heap.</summary>
    internal static class NativeHeap
    {
        /// <summary>The glibc version (<c>gnu_get_libc_version</c>), or null when not running on glibc.</summary>
        public static string GlibcVersion()
        {
            if (!OperatingSystem.IsLinux())
                return null;
            try
            {
                return Marshal.PtrToStringAnsi(gnu_get_libc_version());
            }
            catch (EntryPointNotFoundException)
            {
                return null;
            }
            catch (DllNotFoundException)
            {
                return null;
            }
        }

        /// <summary>
        /// glibc's view of its heap (all arenas): bytes obtained with brk/heaps, bytes of those that are free,
        /// and bytes in mmapped blocks. Null when not on glibc 2.33 or later.
        /// </summary>
        public static HeapInfo Info()
        {
            if (!OperatingSystem.IsLinux())
                return null;
            try
            {
                MallInfo2 info = mallinfo2();
                return new HeapInfo((long)info.Arena, (long)info.FreeBytes, (long)info.MmappedBytes);
            }
            catch (EntryPointNotFoundException)
            {
                return null;
            }
            catch (DllNotFoundException)
            {
                return null;
            }
        }

        /// <summary>
        /// <c>malloc_trim(0)</c>: returns the free memory of every arena to the OS (whole free pages inside the
        /// heap too, not only its top). Returns false when not on glibc.
        /// </summary>
        public static bool Trim()
        {
            if (!OperatingSystem.IsLinux())
                return false;
            try
            {
                malloc_trim(0);
                return true;
            }
            catch (EntryPointNotFoundException)
            {
                return false;
            }
            catch (DllNotFoundException)
            {
                return false;
            }
        }

        [DllImport("libc.so.6")]
        private static extern IntPtr gnu_get_libc_version();

        [DllImport("libc.so.6")]
        private static extern int malloc_trim(nuint pad);

        [DllImport("libc.so.6")]
        private static extern MallInfo2 mallinfo2();

        /// <summary>glibc's struct mallinfo2: ten size_t fields, in this order.</summary>
        [StructLayout(LayoutKind.Sequential)]
        private struct MallInfo2
        {
            public nuint Arena;
            public nuint OrdinaryBlocks;
            public nuint FastBlocks;
            public nuint MmappedBlocks;
            public nuint MmappedBytes;
            public nuint MaxTotalAllocated;
            public nuint FastFreeBytes;
            public nuint UsedBytes;
            public nuint FreeBytes;
            public nuint TopReleasable;
        }
    }

    /// <summary>What <c>mallinfo2</c> reported, in bytes.</summary>
    /// <param name="HeapBytes">Obtained from the OS through brk or arena heaps (non-mmapped).</param>
    /// <param name="HeapFreeBytes">Free chunks inside that heap memory (kept, not returned to the OS).</param>
    /// <param name="MmappedBytes">In blocks served by their own mmap.</param>
    internal sealed record HeapInfo(long HeapBytes, long HeapFreeBytes, long MmappedBytes);
}
