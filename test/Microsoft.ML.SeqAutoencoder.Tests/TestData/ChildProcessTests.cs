using System;
using System.Threading.Tasks;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.TestData
{
    /// <summary>The runners of child processes read both pipes at once: a child that fills standard error cannot hang a test.</summary>
    public sealed class ChildProcessTests
    {
        [Fact]
        public async Task HelperWritingMoreThanAPipeHoldsToStandardErrorFinishes()
        {
            // 1 MiB is 16 times a Linux pipe buffer: reading stdout to its end before stderr would wait forever.
            var run = Task.Run(() => TestHelperProcess.Run("noise", (1 << 20).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            ProcessOutcome outcome = await run.WaitAsync(TimeSpan.FromSeconds(120));
            Assert.Equal("done", outcome.Stdout.Trim());
            Assert.Equal(1 << 20, outcome.Stderr.Length);
        }
    }
}
