using System;
using System.Collections.Generic;
using System.IO;
using Microsoft.ML.SeqAutoencoder.Native;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Native
{
    /// <summary>
    /// The library sets OMP_WAIT_POLICY=PASSIVE in the native environment when its assembly loads, unless the user chose:
    /// checked in fresh processes that load a model file and read the variable as libgomp would.
    /// </summary>
    public sealed class OpenMpWaitPolicyTests
    {
        private static readonly string Model = Path.Combine(AppContext.BaseDirectory, "TestData", "ModelFiles", "encoder.zip");

        private static string PolicyIn(Dictionary<string, string> environment)
        {
            // ChildProcess sets OMP_WAIT_POLICY for its children: these runs start without it unless they say otherwise.
            environment.TryAdd(OpenMpWaitPolicy.VariableName, null);
            environment.TryAdd(OpenMpWaitPolicy.KeepEnvironmentVariable, null);
            ProcessOutcome outcome = ChildProcess.Run("Microsoft.ML.SeqAutoencoder.TestHelper.dll", environment, "omp", Model);
            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            return outcome.Stdout.Trim();
        }

        [LinuxFact]
        public void UnsetBecomesPassiveBeforeLibtorchLoads() => Assert.Equal("PASSIVE", PolicyIn(new Dictionary<string, string>()));

        [LinuxFact]
        public void AUserValueIsKept()
            => Assert.Equal("ACTIVE", PolicyIn(new Dictionary<string, string> { [OpenMpWaitPolicy.VariableName] = "ACTIVE" }));

        [LinuxFact]
        public void TheOptOutKeepsLibgompsDefault()
            => Assert.Equal("(unset)", PolicyIn(new Dictionary<string, string> { [OpenMpWaitPolicy.KeepEnvironmentVariable] = "1" }));
    }
}
