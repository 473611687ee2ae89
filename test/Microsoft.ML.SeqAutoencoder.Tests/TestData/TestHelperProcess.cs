using System;
using System.Collections.Generic;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.TestData
{
    /// <summary>Runs Microsoft.ML.SeqAutoencoder.TestHelper (built into the shared output folder) as a second process.</summary>
    internal static class TestHelperProcess
    {
        public static ProcessOutcome Run(params string[] args)
        {
            // The helper's outputs are compared bit for bit with this process's: it keeps this process's libtorch threading.
            var environment = new Dictionary<string, string>
            {
                ["OMP_NUM_THREADS"] = Environment.GetEnvironmentVariable("OMP_NUM_THREADS"),
                ["OMP_WAIT_POLICY"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"),
            };
            ProcessOutcome outcome = ChildProcess.Run("Microsoft.ML.SeqAutoencoder.TestHelper.dll", environment, args);
            Assert.True(outcome.ExitCode == 0, $"the helper failed: {outcome}");
            return outcome;
        }
    }
}
