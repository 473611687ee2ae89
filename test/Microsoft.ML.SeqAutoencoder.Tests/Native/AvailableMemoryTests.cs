using System;
using Microsoft.ML.SeqAutoencoder.Native;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Native
{
    /// <summary>The memory the automatic output cache budget follows.</summary>
    public sealed class AvailableMemoryTests
    {
        [Fact]
        public void IsPositiveAndAtMostWhatTheRuntimeMayUse()
        {
            long available = AvailableMemory.Bytes();
            Assert.InRange(available, 1, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        }

        [LinuxFact]
        public void ReadsTheKernelsEstimateOnLinux()
        {
            long? before = AvailableMemory.KernelAvailableBytes();
            long bytes = AvailableMemory.Bytes();
            long? after = AvailableMemory.KernelAvailableBytes();
            Assert.NotNull(before);
            Assert.True(before > 0, $"MemAvailable read as {before}");
            // The smaller of the kernel's and the runtime's view (the kernel's may move a little between the reads).
            Assert.True(bytes <= Math.Max(before.Value, after.Value) + (64 << 20), $"{bytes} bytes, MemAvailable {before}/{after}");
        }
    }
}
