using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Speed
{
    /// <summary>
    /// Finds and runs the PyTorch reference script (<c>reference/lstm_autoencoder.py</c>, copied next to the benchmark
    /// executable) with a Python that has PyTorch: Debian's <c>python3-torch</c> installs it for <c>/usr/bin/python3</c>.
    /// </summary>
    internal static class PythonReference
    {
        /// <summary>The script, next to the executable.</summary>
        public static string Script => Path.Combine(AppContext.BaseDirectory, "reference", "lstm_autoencoder.py");

        /// <summary>
        /// The interpreter to use: <paramref name="requested"/>, else the first of <c>/usr/bin/python3</c> and
        /// <c>python3</c> on PATH that can import torch. Throws with what to install when none can.
        /// </summary>
        public static string FindPython(string requested)
        {
            var candidates = requested != null ? new[] { requested } : new[] { "/usr/bin/python3", "python3" };
            foreach (string candidate in candidates)
            {
                if (CanImportTorch(candidate))
                    return candidate;
            }
            throw new ArgumentException(
                $"No Python with PyTorch found (tried {string.Join(", ", candidates)}). The reference runs on Debian's package: "
                + "sudo apt-get install python3-torch libopenblas0-pthread (then /usr/bin/python3 imports torch), or pass --python PATH.");
        }

        private static bool CanImportTorch(string python)
        {
            try
            {
                var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                start.ArgumentList.Add("-c");
                start.ArgumentList.Add("import torch");
                using var process = Process.Start(start);
                process.StandardOutput.ReadToEnd();
                process.StandardError.ReadToEnd();
                process.WaitForExit();
                return process.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }

        /// <summary>The arguments of one script call: the script path, then <paramref name="arguments"/>.</summary>
        public static IReadOnlyList<string> Arguments(params string[] arguments)
        {
            var all = new List<string> { Script };
            all.AddRange(arguments);
            return all;
        }
    }
}
