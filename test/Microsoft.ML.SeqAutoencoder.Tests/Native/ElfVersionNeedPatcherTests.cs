using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.SeqAutoencoder.Build;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Native
{
    /// <summary>
    /// Tests of the ELF patcher behind build/tasks/WeakenElfVersionNeed.cs, on copies of TorchSharp's
    /// original libLibTorchSharp.so in a temporary folder. The package cache is only read.
    /// </summary>
    public sealed class ElfVersionNeedPatcherTests : IDisposable
    {
        private static readonly string[] _allowed = { TorchSharpNativeFiles.MarkerSymbol };
        private readonly string _directory;

        public ElfVersionNeedPatcherTests()
        {
            _directory = Path.Combine(Path.GetTempPath(), "seqae-elf-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_directory);
        }

        public void Dispose()
        {
            Directory.Delete(_directory, recursive: true);
        }

        [Fact]
        public void OriginalNeedsGlibcxx3432OnlyForTheMarkerSymbol()
        {
            ElfVersionNeed need = Read(TorchSharpNativeFiles.CachedBridge);

            Assert.NotNull(need);
            Assert.False(need.IsWeak);
            Assert.Equal(18, need.VersionIndex);
            Assert.Equal(new[] { TorchSharpNativeFiles.MarkerSymbol }, need.Symbols);
        }

        [Fact]
        public void PatchesOnceThenReportsAlreadyPatched()
        {
            string path = CopyOriginal();

            Assert.Equal(ElfPatchResult.Patched, Weaken(path, _allowed, out _));
            Assert.True(Read(path).IsWeak);
            byte[] patched = File.ReadAllBytes(path);

            Assert.Equal(ElfPatchResult.AlreadyPatched, Weaken(path, _allowed, out string message));
            Assert.Contains("already patched", message);
            Assert.Equal(patched, File.ReadAllBytes(path));
        }

        [Fact]
        public void ChangesOnlyTheTwoFlagBytes()
        {
            string path = CopyOriginal();
            byte[] original = File.ReadAllBytes(path);
            long flagsOffset = Read(path).FlagsOffset;

            Assert.Equal(ElfPatchResult.Patched, Weaken(path, _allowed, out _));

            byte[] patched = File.ReadAllBytes(path);
            Assert.Equal(original.Length, patched.Length);
            List<long> changed = Enumerable.Range(0, original.Length).Where(i => original[i] != patched[i]).Select(i => (long)i).ToList();
            Assert.NotEmpty(changed);
            Assert.All(changed, i => Assert.InRange(i, flagsOffset, flagsOffset + 1));
            Assert.Equal(ElfVersionNeedPatcher.VerFlagWeak, BitConverter.ToUInt16(patched, (int)flagsOffset));
        }

        [Fact]
        public void RefusesWhenTheAllowListLacksTheSymbol()
        {
            string path = CopyOriginal();
            byte[] original = File.ReadAllBytes(path);

            Assert.Equal(ElfPatchResult.Refused, Weaken(path, new[] { "_ZSomethingElse" }, out string message));

            Assert.Contains(TorchSharpNativeFiles.MarkerSymbol, message);
            Assert.Equal(original, File.ReadAllBytes(path));
        }

        [Fact]
        public void LeavesANonElfFileAlone()
        {
            string path = Path.Combine(_directory, "libLibTorchSharp.so");
            byte[] content = new byte[4096];
            new Random(1).NextBytes(content);
            File.WriteAllBytes(path, content);

            Assert.Equal(ElfPatchResult.NotElf64, Weaken(path, _allowed, out _));
            Assert.Null(Read(path));
            Assert.Equal(content, File.ReadAllBytes(path));
        }

        [Fact]
        public void LeavesAFileWithoutTheNeedAlone()
        {
            string path = CopyOriginal();
            byte[] original = File.ReadAllBytes(path);

            Assert.Equal(ElfPatchResult.EntryNotFound, ElfVersionNeedPatcher.TryWeaken(path, TorchSharpNativeFiles.Library, "GLIBCXX_9.9.99", _allowed, out _));
            Assert.Equal(ElfPatchResult.EntryNotFound, ElfVersionNeedPatcher.TryWeaken(path, "libnotthere.so.1", TorchSharpNativeFiles.Version, _allowed, out _));
            Assert.Equal(original, File.ReadAllBytes(path));
        }

        [Fact]
        public void LeavesATruncatedFileAlone()
        {
            string path = CopyOriginal();
            byte[] head = File.ReadAllBytes(path).Take(64 * 1024).ToArray();
            File.WriteAllBytes(path, head);

            Assert.Equal(ElfPatchResult.Malformed, Weaken(path, _allowed, out _));
            Assert.Equal(head, File.ReadAllBytes(path));
        }

        [LinuxFact]
        public void PatchingThroughASymbolicLinkLeavesItsTargetAlone()
        {
            string target = CopyOriginal();
            byte[] original = File.ReadAllBytes(target);
            string link = Path.Combine(_directory, "link.so");
            File.CreateSymbolicLink(link, target);

            Assert.Equal(ElfPatchResult.Patched, Weaken(link, _allowed, out _));

            Assert.Null(new FileInfo(link).LinkTarget);
            Assert.True(Read(link).IsWeak);
            Assert.Equal(original, File.ReadAllBytes(target));
        }

        [LinuxFact]
        public void BreakLinksLeavesAHardLinkedFileAlone()
        {
            string target = CopyOriginal();
            byte[] original = File.ReadAllBytes(target);
            string link = Path.Combine(_directory, "hardlink.so");
            Assert.Equal(0, Link(target, link));

            Assert.Equal(ElfPatchResult.Patched, ElfVersionNeedPatcher.TryWeaken(
                link, TorchSharpNativeFiles.Library, TorchSharpNativeFiles.Version, _allowed, breakLinks: true, out _));

            Assert.True(Read(link).IsWeak);
            Assert.Equal(original, File.ReadAllBytes(target));
        }

        [DllImport("libc", EntryPoint = "link", SetLastError = true)]
        private static extern int Link(string existingPath, string newPath);

        private static ElfPatchResult Weaken(string path, string[] allowed, out string message)
        {
            return ElfVersionNeedPatcher.TryWeaken(path, TorchSharpNativeFiles.Library, TorchSharpNativeFiles.Version, allowed, out message);
        }

        private static ElfVersionNeed Read(string path)
        {
            return ElfVersionNeedPatcher.Read(path, TorchSharpNativeFiles.Library, TorchSharpNativeFiles.Version);
        }

        private string CopyOriginal()
        {
            string path = Path.Combine(_directory, "libLibTorchSharp.so");
            File.Copy(TorchSharpNativeFiles.CachedBridge, path);
            return path;
        }
    }
}
