using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.SeqAutoencoder.Native;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Native
{
    /// <summary>
    /// The library keeps libgomp's wait policy unless the user sets one (measured: PASSIVE costs far more on a machine of
    /// its own than it saves beside other work); a value set in code reaches the native environment libgomp reads.
    /// Checked in fresh processes that load a model file and read the variable as libgomp would.
    /// </summary>
    public sealed class OpenMpWaitPolicyTests
    {
        private static readonly string Model = ModelFiles.PathOf("encoder.zip");

        private static string PolicyIn(string environmentValue, params string[] helperArguments)
        {
            // ChildProcess sets OMP_WAIT_POLICY for its children: these runs control it themselves.
            var environment = new Dictionary<string, string> { [OpenMpWaitPolicy.VariableName] = environmentValue };
            var arguments = new List<string> { "omp", Model };
            arguments.AddRange(helperArguments);
            ProcessOutcome outcome = ChildProcess.Run("Microsoft.ML.SeqAutoencoder.TestHelper.dll", environment, arguments.ToArray());
            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            return outcome.Stdout.Trim();
        }

        [LinuxFact]
        public void UnsetStaysUnset() => Assert.Equal("(unset)", PolicyIn(null));

        [LinuxFact]
        public void AValueFromTheEnvironmentIsKept() => Assert.Equal("ACTIVE", PolicyIn("ACTIVE"));

        [LinuxFact]
        public void AValueSetInCodeReachesTheNativeEnvironment() => Assert.Equal("PASSIVE", PolicyIn(null, "PASSIVE"));

        [Fact]
        public void TheTrainingLogSaysWhichPolicyIsInEffect()
            => Assert.StartsWith("OpenMP: ", OpenMpWaitPolicy.Report());
    }
}
