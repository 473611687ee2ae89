// Marks one version need of an ELF shared library as weak (VER_FLG_WEAK), so that the dynamic linker
// loads the library even when the needed version is missing. Used on the output copies of TorchSharp's
// libLibTorchSharp.so; see build/Microsoft.ML.SeqAutoencoder.NativeCompat.targets for why.
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory (against netstandard, so it uses only
// BCL APIs that netstandard2.0 has) and by the test project, which defines SEQAE_NO_MSBUILD_TASK to leave
// out the MSBuild task class and test ElfVersionNeedPatcher directly.

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
#if !SEQAE_NO_MSBUILD_TASK
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace Microsoft.ML.SeqAutoencoder.Build
{
#if !SEQAE_NO_MSBUILD_TASK
    /// <summary>
    /// MSBuild task: in each of <see cref="Files"/>, marks the version need (<see cref="Library"/>,
    /// <see cref="Version"/>) weak, if every dynamic symbol bound to that version is in
    /// <see cref="AllowedSymbols"/>. Files that are not ELF64 little-endian or lack the need are left alone.
    /// </summary>
    public sealed class WeakenElfVersionNeed : Task
    {
        /// <summary>The ELF files to patch in place (output copies, never package cache files).</summary>
        [Required]
        public ITaskItem[] Files { get; set; }

        /// <summary>The needed file, as in the ELF version needs, e.g. <c>libstdc++.so.6</c>.</summary>
        [Required]
        public string Library { get; set; }

        /// <summary>The needed version, e.g. <c>GLIBCXX_3.4.32</c>.</summary>
        [Required]
        public string Version { get; set; }

        /// <summary>The only dynamic symbols that may be bound to <see cref="Version"/>.</summary>
        [Required]
        public string[] AllowedSymbols { get; set; }

        /// <summary>
        /// Replaces each file by a private copy before writing, for outputs that may be hard links into
        /// the package cache (symbolic links are always replaced).
        /// </summary>
        public bool BreakLinks { get; set; }

        /// <inheritdoc />
        public override bool Execute()
        {
            foreach (ITaskItem file in Files)
            {
                string path = file.GetMetadata("FullPath");
                ElfPatchResult result;
                string message;
                try
                {
                    result = ElfVersionNeedPatcher.TryWeaken(path, Library, Version, AllowedSymbols, BreakLinks, out message);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    Log.LogWarning(null, "SEQAE0002", null, path, 0, 0, 0, 0,
                        "Could not mark {0} {1} weak; the file is unchanged: {2}", Library, Version, e.Message);
                    continue;
                }

                switch (result)
                {
                    case ElfPatchResult.Patched:
                        Log.LogMessage(MessageImportance.Normal, message);
                        break;
                    case ElfPatchResult.Refused:
                    case ElfPatchResult.Malformed:
                        Log.LogWarning(null, "SEQAE0001", null, path, 0, 0, 0, 0, message);
                        break;
                    default:
                        Log.LogMessage(MessageImportance.Low, message);
                        break;
                }
            }

            return !Log.HasLoggedErrors;
        }
    }
#endif

    /// <summary>The outcome of <see cref="ElfVersionNeedPatcher.TryWeaken(string, string, string, string[], out string)"/>.</summary>
    internal enum ElfPatchResult
    {
        /// <summary>The file is not a 64-bit little-endian ELF file; it is unchanged.</summary>
        NotElf64,

        /// <summary>The file has no such version need; it is unchanged.</summary>
        EntryNotFound,

        /// <summary>The version need was already weak; nothing was written.</summary>
        AlreadyPatched,

        /// <summary>The version need was made weak: its two flag bytes were written.</summary>
        Patched,

        /// <summary>Symbols outside the allow-list are bound to the version; the file is unchanged.</summary>
        Refused,

        /// <summary>The ELF tables are inconsistent; the file is unchanged.</summary>
        Malformed,
    }

    /// <summary>One Vernaux entry of <c>.gnu.version_r</c> and the dynamic symbols bound to it.</summary>
    internal sealed class ElfVersionNeed
    {
        internal ElfVersionNeed(long flagsOffset, ushort flags, ushort versionIndex, IReadOnlyList<string> symbols)
        {
            FlagsOffset = flagsOffset;
            Flags = flags;
            VersionIndex = versionIndex;
            Symbols = symbols;
        }

        /// <summary>The file offset of <c>vna_flags</c> (2 bytes, little-endian).</summary>
        public long FlagsOffset { get; }

        /// <summary><c>vna_flags</c>.</summary>
        public ushort Flags { get; }

        /// <summary><c>vna_other</c>: the version index that <c>.gnu.version</c> uses for this need.</summary>
        public ushort VersionIndex { get; }

        /// <summary>The dynamic symbols whose version index is <see cref="VersionIndex"/>.</summary>
        public IReadOnlyList<string> Symbols { get; }

        /// <summary>Whether <c>VER_FLG_WEAK</c> is set.</summary>
        public bool IsWeak => (Flags & ElfVersionNeedPatcher.VerFlagWeak) != 0;
    }

    /// <summary>Reads and patches the GNU version needs (<c>SHT_GNU_verneed</c>) of ELF64 little-endian files.</summary>
    internal static class ElfVersionNeedPatcher
    {
        /// <summary><c>VER_FLG_WEAK</c>: a missing version is not an error for the dynamic linker.</summary>
        internal const ushort VerFlagWeak = 0x2;

        private const uint ShtDynSym = 11;
        private const uint ShtGnuVerNeed = 0x6ffffffe;
        private const uint ShtGnuVerSym = 0x6fffffff;
        private const int ElfHeaderSize = 64;
        private const int SectionHeaderSize = 64;
        private const int SymbolSize = 24;
        private const int VerneedSize = 16;
        private const int VernauxSize = 16;

        /// <summary>
        /// Marks the version need (<paramref name="library"/>, <paramref name="version"/>) of the ELF file
        /// at <paramref name="path"/> weak, writing only its two flag bytes in place, if every dynamic
        /// symbol bound to that version is in <paramref name="allowedSymbols"/>.
        /// </summary>
        internal static ElfPatchResult TryWeaken(string path, string library, string version, string[] allowedSymbols, out string message)
        {
            return TryWeaken(path, library, version, allowedSymbols, breakLinks: false, out message);
        }

        /// <summary>
        /// As <see cref="TryWeaken(string, string, string, string[], out string)"/>; with
        /// <paramref name="breakLinks"/>, the file is first replaced by a private copy (in case it is a
        /// hard link). A symbolic link is always replaced, so its target is never written.
        /// </summary>
        internal static ElfPatchResult TryWeaken(string path, string library, string version, string[] allowedSymbols, bool breakLinks, out string message)
        {
            ElfVersionNeed need;
            try
            {
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
                {
                    if (!IsElf64LittleEndian(stream))
                    {
                        message = $"{path}: not a 64-bit little-endian ELF file; left unchanged.";
                        return ElfPatchResult.NotElf64;
                    }

                    need = Read(stream, library, version);
                }
            }
            catch (InvalidDataException e)
            {
                message = $"{path}: malformed ELF file ({e.Message}); left unchanged.";
                return ElfPatchResult.Malformed;
            }

            if (need == null)
            {
                message = $"{path}: no version need {version} from {library}; left unchanged.";
                return ElfPatchResult.EntryNotFound;
            }

            if (need.IsWeak)
            {
                message = $"{path}: the version need {version} from {library} is already weak (already patched).";
                return ElfPatchResult.AlreadyPatched;
            }

            string[] disallowed = need.Symbols.Where(s => Array.IndexOf(allowedSymbols ?? Array.Empty<string>(), s) < 0).ToArray();
            if (disallowed.Length > 0)
            {
                message = $"{path}: not marking the version need {version} from {library} weak, because symbols outside "
                    + $"the allow-list need it: {string.Join(", ", disallowed)}. The file is unchanged.";
                return ElfPatchResult.Refused;
            }

            if (breakLinks || (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0)
            {
                BreakLink(path);
            }

            using (var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
            {
                byte[] flags = ReadBytes(stream, (ulong)need.FlagsOffset, 2);
                if (ReadUInt16(flags, 0) != need.Flags)
                {
                    throw new IOException($"{path} changed while it was being patched.");
                }

                WriteUInt16(flags, 0, (ushort)(need.Flags | VerFlagWeak));
                stream.Position = need.FlagsOffset;
                stream.Write(flags, 0, flags.Length);
            }

            message = $"{path}: marked the version need {version} from {library} weak (VER_FLG_WEAK), "
                + $"so it loads without that version (symbols: {string.Join(", ", need.Symbols)}).";
            return ElfPatchResult.Patched;
        }

        /// <summary>
        /// Reads the version need (<paramref name="library"/>, <paramref name="version"/>) of the file at
        /// <paramref name="path"/>; null if the file is not ELF64 little-endian or has no such need.
        /// </summary>
        /// <exception cref="InvalidDataException">The ELF tables are inconsistent.</exception>
        internal static ElfVersionNeed Read(string path, string library, string version)
        {
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                return IsElf64LittleEndian(stream) ? Read(stream, library, version) : null;
            }
        }

        private static bool IsElf64LittleEndian(Stream stream)
        {
            if (stream.Length < ElfHeaderSize)
            {
                return false;
            }

            byte[] ident = ReadBytes(stream, 0, 6);
            return ident[0] == 0x7f && ident[1] == (byte)'E' && ident[2] == (byte)'L' && ident[3] == (byte)'F'
                && ident[4] == 2 /* ELFCLASS64 */ && ident[5] == 1 /* ELFDATA2LSB */;
        }

        private static ElfVersionNeed Read(Stream stream, string library, string version)
        {
            Section[] sections = ReadSections(stream);
            Section verneed = sections.FirstOrDefault(s => s.Type == ShtGnuVerNeed);
            if (verneed == null)
            {
                return null;
            }

            byte[] needs = ReadSection(stream, verneed);
            byte[] strings = ReadSection(stream, GetLinked(sections, verneed));

            // Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
            // Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
            // Both chains use offsets relative to the current entry; 0 ends a chain.
            long need = 0;
            for (uint i = 0; i < verneed.Info; i++)
            {
                CheckRange(needs, need, VerneedSize, "Verneed");
                ushort auxCount = ReadUInt16(needs, need + 2);
                if (ReadString(strings, ReadUInt32(needs, need + 4)) == library)
                {
                    long aux = need + ReadUInt32(needs, need + 8);
                    for (int j = 0; j < auxCount; j++)
                    {
                        CheckRange(needs, aux, VernauxSize, "Vernaux");
                        if (ReadString(strings, ReadUInt32(needs, aux + 8)) == version)
                        {
                            ushort versionIndex = ReadUInt16(needs, aux + 6);
                            return new ElfVersionNeed(
                                (long)verneed.Offset + aux + 4,
                                ReadUInt16(needs, aux + 4),
                                versionIndex,
                                ReadSymbolsOfVersion(stream, sections, versionIndex));
                        }

                        uint nextAux = ReadUInt32(needs, aux + 12);
                        if (nextAux == 0)
                        {
                            break;
                        }

                        aux += nextAux;
                    }
                }

                uint next = ReadUInt32(needs, need + 12);
                if (next == 0)
                {
                    break;
                }

                need += next;
            }

            return null;
        }

        /// <summary>The names of the dynamic symbols whose <c>.gnu.version</c> index (hidden bit masked) is <paramref name="versionIndex"/>.</summary>
        private static IReadOnlyList<string> ReadSymbolsOfVersion(Stream stream, Section[] sections, ushort versionIndex)
        {
            var names = new List<string>();
            Section versym = sections.FirstOrDefault(s => s.Type == ShtGnuVerSym);
            if (versym == null)
            {
                // Without .gnu.version no symbol is bound to any version.
                return names;
            }

            Section dynsym = GetLinked(sections, versym);
            if (dynsym.Type != ShtDynSym)
            {
                throw new InvalidDataException(".gnu.version does not link to the dynamic symbol table");
            }

            byte[] versions = ReadSection(stream, versym);
            byte[] symbols = ReadSection(stream, dynsym);
            byte[] strings = ReadSection(stream, GetLinked(sections, dynsym));
            ulong symbolSize = dynsym.EntrySize == 0 ? SymbolSize : dynsym.EntrySize;
            if (symbolSize < SymbolSize || symbolSize > int.MaxValue)
            {
                throw new InvalidDataException($"dynamic symbol size {dynsym.EntrySize}");
            }

            long count = Math.Min(versions.Length / 2, symbols.Length / (long)symbolSize);
            for (long i = 0; i < count; i++)
            {
                if ((ReadUInt16(versions, i * 2) & 0x7fff) == versionIndex)
                {
                    names.Add(ReadString(strings, ReadUInt32(symbols, i * (long)symbolSize)));
                }
            }

            return names;
        }

        private static Section[] ReadSections(Stream stream)
        {
            byte[] header = ReadBytes(stream, 0, ElfHeaderSize);
            ulong tableOffset = ReadUInt64(header, 0x28);
            ushort entrySize = ReadUInt16(header, 0x3a);
            ulong count = ReadUInt16(header, 0x3c);
            if (tableOffset == 0)
            {
                return Array.Empty<Section>();
            }

            if (entrySize < SectionHeaderSize)
            {
                throw new InvalidDataException($"section header size {entrySize}");
            }

            if (count == 0)
            {
                // Extended numbering: the count is in sh_size of section 0.
                count = ReadUInt64(ReadBytes(stream, tableOffset, SectionHeaderSize), 32);
            }

            if (count > (ulong)stream.Length / entrySize)
            {
                throw new InvalidDataException($"{count} section headers");
            }

            byte[] table = ReadBytes(stream, tableOffset, (long)count * entrySize);
            var sections = new Section[count];
            for (long i = 0; i < (long)count; i++)
            {
                long at = i * entrySize;
                sections[i] = new Section(
                    type: ReadUInt32(table, at + 4),
                    offset: ReadUInt64(table, at + 24),
                    size: ReadUInt64(table, at + 32),
                    link: ReadUInt32(table, at + 40),
                    info: ReadUInt32(table, at + 44),
                    entrySize: ReadUInt64(table, at + 56));
            }

            return sections;
        }

        private static Section GetLinked(Section[] sections, Section section)
        {
            if (section.Link >= sections.Length)
            {
                throw new InvalidDataException($"section link {section.Link}");
            }

            return sections[section.Link];
        }

        private static byte[] ReadSection(Stream stream, Section section)
        {
            if (section.Size > (ulong)stream.Length)
            {
                throw new InvalidDataException($"section size {section.Size}");
            }

            return ReadBytes(stream, section.Offset, (long)section.Size);
        }

        private static byte[] ReadBytes(Stream stream, ulong offset, long count)
        {
            if (offset > (ulong)stream.Length || count > stream.Length - (long)offset || count > int.MaxValue)
            {
                throw new InvalidDataException($"{count} bytes at offset {offset} are past the end of the file");
            }

            var buffer = new byte[count];
            stream.Position = (long)offset;
            int read = 0;
            while (read < count)
            {
                int n = stream.Read(buffer, read, (int)count - read);
                if (n == 0)
                {
                    throw new InvalidDataException("unexpected end of file");
                }

                read += n;
            }

            return buffer;
        }

        /// <summary>Replaces the file (a link, maybe) by a copy of its content, so that writing it leaves other links' targets alone.</summary>
        private static void BreakLink(string path)
        {
            string copy = path + ".seqae-" + Guid.NewGuid().ToString("N");
            File.Copy(path, copy);
            try
            {
                File.Delete(path);
                File.Move(copy, path);
            }
            finally
            {
                if (File.Exists(copy))
                {
                    File.Delete(copy);
                }
            }
        }

        private static void CheckRange(byte[] data, long offset, int size, string what)
        {
            if (offset < 0 || offset > data.Length - size)
            {
                throw new InvalidDataException($"{what} entry at offset {offset} is out of range");
            }
        }

        private static string ReadString(byte[] strings, uint offset)
        {
            if (offset >= strings.Length)
            {
                throw new InvalidDataException($"string offset {offset} is out of range");
            }

            int end = Array.IndexOf(strings, (byte)0, (int)offset);
            if (end < 0)
            {
                throw new InvalidDataException($"string at offset {offset} is not terminated");
            }

            return Encoding.UTF8.GetString(strings, (int)offset, end - (int)offset);
        }

        private static ushort ReadUInt16(byte[] data, long offset) => (ushort)(data[offset] | data[offset + 1] << 8);

        private static uint ReadUInt32(byte[] data, long offset) => ReadUInt16(data, offset) | (uint)ReadUInt16(data, offset + 2) << 16;

        private static ulong ReadUInt64(byte[] data, long offset) => ReadUInt32(data, offset) | (ulong)ReadUInt32(data, offset + 4) << 32;

        private static void WriteUInt16(byte[] data, long offset, ushort value)
        {
            data[offset] = (byte)value;
            data[offset + 1] = (byte)(value >> 8);
        }

        private sealed class Section
        {
            public Section(uint type, ulong offset, ulong size, uint link, uint info, ulong entrySize)
            {
                Type = type;
                Offset = offset;
                Size = size;
                Link = link;
                Info = info;
                EntrySize = entrySize;
            }

            public uint Type { get; }

            public ulong Offset { get; }

            public ulong Size { get; }

            public uint Link { get; }

            public uint Info { get; }

            public ulong EntrySize { get; }
        }
    }
}
