using System.IO;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Build;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Tests.Native
{
    /// <summary>
    /// TorchSharp's native bridge loads in the test process as the build left it: on Debian 12 that takes the
    /// ELF patch of build/Microsoft.ML.SeqAutoencoder.NativeCompat.targets (GLIBCXX_3.4.32 made weak).
    /// </summary>
    public sealed class NativeLoadTests
    {
        [Fact]
        public void FirstTensorOperationWorks()
        {
            using Tensor sum = ones(3, 3).sum();

            Assert.Equal(9f, sum.item<float>());
        }

        [Fact]
        public void LstmForwardWorks()
        {
            using var lstm = nn.LSTM(inputSize: 4, hiddenSize: 8, batchFirst: true);
            using Tensor input = randn(2, 5, 4);

            var (output, hidden, cell) = lstm.forward(input);

            Assert.Equal(new long[] { 2, 5, 8 }, output.shape);
            Assert.Equal(new long[] { 1, 2, 8 }, hidden.shape);
            Assert.Equal(new long[] { 1, 2, 8 }, cell.shape);
            Assert.True(output.isfinite().all().item<bool>());
            output.Dispose();
            hidden.Dispose();
            cell.Dispose();
        }

        [LinuxFact]
        public void OutputCopyOfTheBridgeIsPatched()
        {
            string path = TorchSharpNativeFiles.OutputBridge;
            Assert.True(File.Exists(path), $"{path} is missing from the test output.");

            ElfVersionNeed need = ElfVersionNeedPatcher.Read(path, TorchSharpNativeFiles.Library, TorchSharpNativeFiles.Version);

            Assert.NotNull(need);
            Assert.True(need.IsWeak, $"{TorchSharpNativeFiles.Version} is not weak in {path}: the build did not patch it.");
            Assert.Equal(new[] { TorchSharpNativeFiles.MarkerSymbol }, need.Symbols);
        }

        [Fact]
        public void NothingIsConsolidatedAfterTorchSharpLoads()
        {
            using (Tensor sum = ones(2).sum())
            {
                Assert.Equal(2f, sum.item<float>());
            }

            // When the bridge fails to load, TorchSharp copies libtorch into cpu/ next to TorchSharp.dll,
            // or into the package cache when TorchSharp.dll is loaded from there.
            string torchSharpFolder = Path.GetDirectoryName(typeof(torch).Assembly.Location);
            Assert.False(Directory.Exists(Path.Combine(torchSharpFolder, "cpu")), $"TorchSharp consolidated libtorch into {torchSharpFolder}/cpu.");

            string packageFolder = TorchSharpNativeFiles.PackageFolder;
            if (Directory.Exists(packageFolder))
            {
                string[] copies = Directory.GetFiles(packageFolder, "libtorch_cpu.so", SearchOption.AllDirectories);
                Assert.True(copies.Length == 0, $"TorchSharp consolidated libtorch into the package cache: {string.Join(", ", copies)}.");
            }
        }
    }
}
