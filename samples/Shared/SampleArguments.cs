using System;
using System.Globalization;
using System.IO;

namespace Microsoft.ML.SeqAutoencoder.Samples
{
    /// <summary>
    /// The command line every sample takes: <c>--quick</c> (tiny epochs and data, for the test suite),
    /// <c>--out DIR</c> (where the plot goes) and <c>--epochs N</c>.
    /// </summary>
    internal sealed class SampleArguments
    {
        public bool Quick { get; private set; }

        public int? Epochs { get; private set; }

        public string OutputDirectory { get; private set; }

        public static SampleArguments Parse(string[] args, string sampleName)
        {
            var result = new SampleArguments();
            for (int i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--quick":
                        result.Quick = true;
                        break;
                    case "--epochs" when i + 1 < args.Length:
                        result.Epochs = int.Parse(args[++i], CultureInfo.InvariantCulture);
                        break;
                    case "--out" when i + 1 < args.Length:
                        result.OutputDirectory = args[++i];
                        break;
                    default:
                        throw new ArgumentException($"Unknown argument '{args[i]}'. Usage: [--quick] [--epochs N] [--out DIR]");
                }
            }
            result.OutputDirectory = Path.GetFullPath(result.OutputDirectory ?? Path.Combine(AppContext.BaseDirectory, "output", sampleName));
            Directory.CreateDirectory(result.OutputDirectory);
            return result;
        }

        /// <summary>The epochs to train: <c>--epochs</c> if given, else the full or the quick default.</summary>
        public int EpochsOr(int full, int quick) => Epochs ?? (Quick ? quick : full);

        /// <summary>A bundled data file (copied next to the executable).</summary>
        public static string DataPath(string file) => Path.Combine(AppContext.BaseDirectory, "data", file);

        /// <summary>A file in the output folder.</summary>
        public string OutputPath(string file) => Path.Combine(OutputDirectory, file);
    }
}
