using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Layout
{
    /// <summary>
    /// The library's layout rule (docs/design.md), checked on its sources: a capability folder uses only itself, the
    /// shared rooms and the shared public options at the root, never another capability; the shared rooms use only the
    /// rooms below them. A type "uses" another when the other's name appears in its code (comments aside).
    /// </summary>
    public sealed class FolderDependencyTests
    {
        private static readonly string[] Capabilities = { "Encoding", "AnomalyDetection", "TimeSeries", "Classification" };

        /// <summary>Each shared room and the rooms it may use; the root holds the shared public options.</summary>
        private static readonly Dictionary<string, string[]> Rooms = new Dictionary<string, string[]>
        {
            ["Native"] = Array.Empty<string>(),
            ["Torch"] = Array.Empty<string>(),
            ["Training"] = new[] { "Torch", "Native" },
            ["Persistence"] = new[] { "Torch" },
            ["MLNet"] = new[] { "Torch", "Native" },
            ["Onnx"] = new[] { "Torch" },
            [""] = new[] { "Torch", "Training" },
        };

        [Fact]
        public void CapabilitiesUseOnlySharedRoomsAndRoomsOnlyTheRoomsBelowThem()
        {
            string src = FindSource();
            var files = Directory.GetFiles(src, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
                .Where(f => Folder(src, f) != "Properties")
                .ToDictionary(f => f, f => StripComments(File.ReadAllText(f)));

            // Where each top-level type is declared (nested types are their declaring type's business).
            var declared = new Dictionary<string, string>();
            var declaration = new Regex(@"^ {4}(?=\S)[\w ]*?\b(?:class|record|struct|interface|enum|delegate\s+\w+)\s+(\w+)", RegexOptions.Multiline);
            foreach (var (file, code) in files)
            {
                foreach (Match m in declaration.Matches(code))
                    declared.TryAdd(m.Groups[1].Value, Folder(src, file));
            }
            Assert.Contains("SequenceEncodingTransformer", declared.Keys);
            Assert.Equal("Torch", declared["SequenceSet"]);

            var violations = new List<string>();
            foreach (var (file, code) in files)
            {
                string folder = Folder(src, file);
                var used = Regex.Matches(code, @"\b[A-Z]\w+\b").Select(m => m.Value).Distinct()
                    .Where(declared.ContainsKey).Select(t => (Type: t, Folder: declared[t])).Where(u => u.Folder != folder);
                foreach (var (type, other) in used)
                {
                    bool allowed = Capabilities.Contains(folder)
                        ? !Capabilities.Contains(other)
                        : Rooms[folder].Contains(other);
                    if (!allowed)
                        violations.Add($"{Path.GetRelativePath(src, file)} ({Show(folder)}) uses {type} ({Show(other)})");
                }
            }
            Assert.True(violations.Count == 0, "Layout rule broken:\n" + string.Join("\n", violations));
        }

        private static string Show(string folder) => folder.Length == 0 ? "root" : folder;

        private static string Folder(string src, string file)
        {
            string relative = Path.GetRelativePath(src, file);
            int slash = relative.IndexOf(Path.DirectorySeparatorChar);
            return slash < 0 ? "" : relative[..slash];
        }

        internal static string StripComments(string code)
            => Regex.Replace(Regex.Replace(code, @"/\*.*?\*/", "", RegexOptions.Singleline), @"//[^\n]*", "");

        internal static string FindSource()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "src", "Microsoft.ML.SeqAutoencoder");
                if (Directory.Exists(candidate))
                    return candidate;
            }
            throw new DirectoryNotFoundException("src/Microsoft.ML.SeqAutoencoder was not found above " + AppContext.BaseDirectory);
        }
    }
}
