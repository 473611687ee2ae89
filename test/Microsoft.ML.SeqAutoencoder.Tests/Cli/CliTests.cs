using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.Cli
{
    /// <summary>
    /// The seqae tool (src/Microsoft.ML.SeqAutoencoder.Cli), run as a child process on small generated CSV files:
    /// train → encode → detect → evaluate end to end, and the error paths (one line on stderr, exit code, no stack trace).
    /// </summary>
    public sealed class CliTests : IDisposable
    {
        private const int Steps = 16;
        private static readonly string[] _tiny = { "--epochs", "2", "--hidden-sizes", "8", "--encoding-size", "4", "--batch-size", "16" };
        private readonly string _dir = Path.Combine(Path.GetTempPath(), "seqae-cli-" + Guid.NewGuid().ToString("N"));

        public CliTests()
        {
            Directory.CreateDirectory(_dir);
        }

        public void Dispose() => Directory.Delete(_dir, recursive: true);

        private string PathOf(string file) => Path.Combine(_dir, file);

        private static ProcessOutcome Seqae(params string[] args) => ChildProcess.Run("seqae.dll", args);

        private static void AssertSuccess(ProcessOutcome outcome)
        {
            Assert.True(outcome.ExitCode == 0, outcome.ToString());
            Assert.Equal("", outcome.Stderr);
        }

        /// <summary>Exit code, then exactly one stderr line (plus the usage hint for usage errors) and no stack trace.</summary>
        private static void AssertError(ProcessOutcome outcome, int exitCode, string message)
        {
            Assert.True(outcome.ExitCode == exitCode, outcome.ToString());
            string[] lines = outcome.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(message, lines[0]);
            Assert.Equal(exitCode == 2 ? 2 : 1, lines.Length);
            Assert.DoesNotContain(" at ", outcome.Stderr);
            Assert.DoesNotContain("Exception", outcome.Stderr);
        }

        /// <summary>id, label, s0..s15: sine waves; anomalous rows (label 1) carry a spike and a flat stretch.</summary>
        private string WriteSequences(string file, int normal, int anomalous, int seed)
        {
            var random = new Random(seed);
            var text = new StringBuilder("id,label," + string.Join(",", Enumerable.Range(0, Steps).Select(i => $"s{i}")) + "\n");
            for (int r = 0; r < normal + anomalous; r++)
            {
                bool anomaly = r >= normal;
                double phase = random.NextDouble() * 2 * Math.PI;
                var values = Enumerable.Range(0, Steps).Select(t => Math.Sin(2 * Math.PI * t / 8 + phase) + 0.05 * random.NextDouble()).ToArray();
                if (anomaly)
                {
                    values[3] += 4;
                    for (int t = 8; t < 14; t++)
                        values[t] = 0;
                }
                text.Append(CultureInfo.InvariantCulture, $"{r},{(anomaly ? 1 : 0)},")
                    .AppendJoin(",", values.Select(v => v.ToString("F4", CultureInfo.InvariantCulture))).Append('\n');
            }
            File.WriteAllText(PathOf(file), text.ToString());
            return PathOf(file);
        }

        /// <summary>time, value, label: a periodic signal with a level shift near the end.</summary>
        private string WriteSeries(string file)
        {
            var random = new Random(3);
            var text = new StringBuilder("time,value,label\n");
            for (int t = 0; t < 500; t++)
            {
                bool anomaly = t >= 440 && t < 460;
                double value = Math.Sin(2 * Math.PI * t / 12) + 0.05 * random.NextDouble() + (anomaly ? 2 : 0);
                text.Append(CultureInfo.InvariantCulture, $"{t},{value:F4},{(anomaly ? 1 : 0)}\n");
            }
            File.WriteAllText(PathOf(file), text.ToString());
            return PathOf(file);
        }

        [Fact]
        public void Encode_WritesTheDefaultSegmentMeansReadout()
        {
            string train = WriteSequences("train.csv", normal: 40, anomalous: 0, seed: 3);
            AssertSuccess(Seqae(new[] { "train", train, "-m", PathOf("means.zip"), "-l", "label", "-c", "s0:s15" }.Concat(_tiny).ToArray()));
            AssertSuccess(Seqae("encode", train, "-m", PathOf("means.zip"), "-o", PathOf("means.csv")));
            string header = File.ReadLines(PathOf("means.csv")).First();
            // 8 segments × 8 hidden units (--hidden-sizes 8).
            Assert.Equal("id,label," + string.Join(",", Enumerable.Range(0, 64).Select(i => $"enc{i}")), header);
        }

        [Fact]
        public void ACommaDecimalCultureChangesNoNumber()
        {
            // German: "0,01" is a hundredth there. Numbers on the command line, in files and in the progress stay invariant.
            var german = new System.Collections.Generic.Dictionary<string, string> { ["LANG"] = "de_DE.UTF-8", ["LC_ALL"] = "de_DE.UTF-8" };
            // .NET takes the culture from LC_ALL through ICU; with ICU present, de-DE writes a comma.
            Assert.Equal(",", System.Globalization.CultureInfo.GetCultureInfo("de-DE").NumberFormat.NumberDecimalSeparator);
            string train = WriteSequences("train.csv", normal: 40, anomalous: 0, seed: 3);
            var trained = ChildProcess.Run("seqae.dll", german, new[] { "train", train, "-m", PathOf("de.zip"), "-l", "label", "-c", "s0:s15", "--readout", "Code",
                "--learning-rate", "0.01" }.Concat(_tiny).ToArray());
            AssertSuccess(trained);
            var progress = System.Text.RegularExpressions.Regex.Match(trained.Stdout, @"epoch 2/2  loss ([\d.]+), validation ([\d.]+)  ETA");
            Assert.True(progress.Success, trained.Stdout);
            Assert.True(double.Parse(progress.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, trained.Stdout);
            AssertSuccess(ChildProcess.Run("seqae.dll", german, "encode", train, "-m", PathOf("de.zip"), "-o", PathOf("de.csv")));
            // Encodings are written with '.' decimals: 2 + 4 fields per row, each a number in invariant format.
            string[] fields = File.ReadLines(PathOf("de.csv")).Skip(1).First().Split(',');
            Assert.Equal(6, fields.Length);
            Assert.All(fields.Skip(2), f => Assert.True(float.TryParse(f, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _), f));
        }

        [Fact]
        public void ADamagedModelFileIsReportedInOneLine()
        {
            string train = WriteSequences("damage-train.csv", normal: 40, anomalous: 0, seed: 7);
            AssertSuccess(Seqae(new[] { "train", train, "-m", PathOf("damaged.zip"), "-l", "label", "-c", "s0:s15", "--readout", "Code" }.Concat(_tiny).ToArray()));
            using (var zip = System.IO.Compression.ZipFile.Open(PathOf("damaged.zip"), System.IO.Compression.ZipArchiveMode.Update))
            {
                var entry = zip.Entries.Single(e => e.FullName.EndsWith("SequenceAutoencoder", StringComparison.Ordinal));
                string name = entry.FullName;
                byte[] content;
                using (var s = entry.Open())
                {
                    var copy = new MemoryStream();
                    s.CopyTo(copy);
                    content = copy.ToArray();
                }
                content[^100] ^= 0xFF;
                entry.Delete();
                using var w = zip.CreateEntry(name).Open();
                w.Write(content);
            }
            AssertError(Seqae("encode", train, "-m", PathOf("damaged.zip"), "-o", PathOf("damaged.csv")), 1,
                "error: Not a valid sequence autoencoder model: the weights do not match their checksum (the file is damaged).");
        }

        [Fact]
        public void QuotedCellsPassThroughAndNumbersRoundTrip()
        {
            string train = WriteSequences("train.csv", normal: 40, anomalous: 0, seed: 3);
            AssertSuccess(Seqae(new[] { "train", train, "-m", PathOf("q.zip"), "-l", "label", "-c", "s0:s15", "--readout", "Code" }.Concat(_tiny).ToArray()));
            Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
            // An id with a comma and quotes, as RFC 4180 writes it.
            string[] lines = File.ReadAllLines(train);
            lines[1] = "\"a \"\"quoted\"\", id\"" + lines[1].Substring(lines[1].IndexOf(','));
            File.WriteAllLines(PathOf("quoted.csv"), lines);
            AssertSuccess(Seqae("encode", PathOf("quoted.csv"), "-m", PathOf("q.zip"), "-o", PathOf("quoted-out.csv")));
            string first = File.ReadLines(PathOf("quoted-out.csv")).Skip(1).First();
            Assert.StartsWith("\"a \"\"quoted\"\", id\",", first);
            // Encodings are written to read back exactly: more than the 6 significant digits of before, somewhere.
            string[] values = first.Substring(first.LastIndexOf('"') + 2).Split(',').Skip(1).ToArray();
            Assert.Equal(4, values.Length);
            Assert.Contains(values, v => v.TrimStart('-').Replace(".", "").TrimStart('0').Length > 6);
        }

        [Fact]
        public void Sequences_TrainEncodeDetectEvaluate()
        {
            string train = WriteSequences("train.csv", normal: 80, anomalous: 0, seed: 1);
            string test = WriteSequences("test.csv", normal: 30, anomalous: 10, seed: 2);

            var trained = Seqae(new[] { "train", train, "--model", PathOf("encoder.zip"), "--label-column", "label", "--columns", "s0:s15", "--readout", "Code" }.Concat(_tiny).ToArray());
            AssertSuccess(trained);
            Assert.Contains("Training an encoder on 80 sequences of 16 values", trained.Stdout);
            Assert.Matches(@"epoch 2/2  loss [\d.]+, validation [\d.]+  ETA \d\d:\d\d:\d\d", trained.Stdout);
            Assert.Contains($"Model written to {PathOf("encoder.zip")}", trained.Stdout);

            var encoded = Seqae("encode", test, "--model", PathOf("encoder.zip"), "--output", PathOf("encoded.csv"));
            AssertSuccess(encoded);
            string[] lines = File.ReadAllLines(PathOf("encoded.csv"));
            Assert.Equal("id,label,enc0,enc1,enc2,enc3", lines[0]);
            Assert.Equal(41, lines.Length);
            Assert.All(lines.Skip(1), l => Assert.Equal(6, l.Split(',').Length));

            var detector = Seqae(new[] { "train", train, "-m", PathOf("detector.zip"), "-l", "label", "-c", "s0:s15", "--task", "detect" }.Concat(_tiny).ToArray());
            AssertSuccess(detector);
            Assert.Contains("Training a sequence anomaly detector on 80 sequences of 16 values", detector.Stdout);

            var detected = Seqae("detect", test, "-m", PathOf("detector.zip"), "-o", PathOf("scored.csv"), "--plot", PathOf("scores.png"));
            AssertSuccess(detected);
            Assert.Matches(@"Scored 40 rows: \d+ alerts\.", detected.Stdout);
            lines = File.ReadAllLines(PathOf("scored.csv"));
            Assert.Equal("id,label,alert,score", lines[0]);
            Assert.Equal(41, lines.Length);
            PngCheck.AssertPlot(PathOf("scores.png"));

            var evaluated = Seqae("evaluate", test, "-m", PathOf("detector.zip"));
            AssertSuccess(evaluated);
            Assert.Contains("40 rows, 10 labeled anomalous ('label')", evaluated.Stdout);
            Assert.Matches(@"AUC-PR \(average precision\) *│ *[01]\.\d{4}", evaluated.Stdout);
            Assert.Matches(@"F1 *│ *[01]\.\d{4}", evaluated.Stdout);

            // An encoder cannot detect, a detector cannot encode: one clear line each.
            AssertError(Seqae("encode", test, "-m", PathOf("detector.zip"), "-o", PathOf("x.csv")), 1,
                "error: the model was trained with --task detect; 'encode' needs one trained with --task encode.");
        }

        [Fact]
        public void TimeSeries_TrainDetectEvaluate()
        {
            string series = WriteSeries("series.csv");
            var trained = Seqae(new[] { "train", series, "-m", PathOf("series.zip"), "--window", "12", "--columns", "value", "-l", "label", "--stride", "2" }
                .Concat(_tiny).ToArray());
            AssertSuccess(trained);
            Assert.Contains("Training a time-series detector on 500 steps, window 12, of 1 values", trained.Stdout);

            var detected = Seqae("detect", series, "-m", PathOf("series.zip"), "-o", PathOf("scored.csv"), "-p", PathOf("series.png"));
            AssertSuccess(detected);
            string[] lines = File.ReadAllLines(PathOf("scored.csv"));
            Assert.Equal("time,label,alert,raw_score,p_value", lines[0]);
            Assert.Equal(501, lines.Length);
            Assert.Equal("0,0,0,0,1", lines[1]);   // before the first full window
            PngCheck.AssertPlot(PathOf("series.png"));

            var evaluated = Seqae("evaluate", series, "-m", PathOf("series.zip"));
            AssertSuccess(evaluated);
            Assert.Contains("500 rows, 20 labeled anomalous ('label')", evaluated.Stdout);
            Assert.Contains("AUC-ROC", evaluated.Stdout);
        }

        [Fact]
        public void Help_ListsTheCommandsAndTheTrainingOptions()
        {
            var help = Seqae("--help");
            AssertSuccess(help);
            foreach (string command in new[] { "train <input>", "encode <input>", "detect <input>", "evaluate <input>" })
                Assert.Contains(command, help.Stdout);
            var trainHelp = Seqae("train", "--help");
            AssertSuccess(trainHelp);
            foreach (string option in new[] { "--columns", "--features-per-step", "--window", "--epochs", "--encoding-size", "--hidden-sizes", "--mode", "[default: 50]" })
                Assert.Contains(option, trainHelp.Stdout);
        }

        [Fact]
        public void MissingFile_OneLineAndExitCode1()
        {
            string missing = PathOf("missing.csv");
            AssertError(Seqae("train", missing, "-m", PathOf("m.zip")), 1, $"error: input file '{missing}' not found.");
            string data = WriteSequences("data.csv", 5, 0, seed: 1);
            string model = PathOf("missing.zip");
            AssertError(Seqae("detect", data, "-m", model, "-o", PathOf("o.csv")), 1, $"error: model file '{model}' not found.");
        }

        [Fact]
        public void UnknownColumn_OneLineAndExitCode1()
        {
            string data = WriteSequences("data.csv", 5, 0, seed: 1);
            AssertError(Seqae("train", data, "-m", PathOf("m.zip"), "--columns", "s0:s99"), 1,
                $"error: {data}: no column named 's99'; the columns are: id, label, s0, s1, s2, s3, s4, s5, ... (18 in all).");
        }

        [Fact]
        public void NonNumericCell_OneLineAndExitCode1()
        {
            string data = WriteSequences("data.csv", 5, 0, seed: 1);
            var lines = File.ReadAllLines(data);
            var cells = lines[2].Split(',');
            cells[4] = "abc";   // line 3, column s2
            lines[2] = string.Join(",", cells);
            File.WriteAllLines(data, lines);
            AssertError(Seqae(new[] { "train", data, "-m", PathOf("m.zip"), "-l", "label" }.Concat(_tiny).ToArray()), 1,
                $"error: {data}: line 3, column 's2': 'abc' is not a finite number.");
        }

        [Fact]
        public void BadOptions_UsageErrorsExit2AndLibraryChecksNameTheFlag()
        {
            string data = WriteSequences("data.csv", 5, 0, seed: 1);
            AssertError(Seqae("train", data, "-m", PathOf("m.zip"), "--epochs", "many"), 2,
                "error: Cannot parse argument 'many' for option '--epochs' as expected type 'System.Int32'.");
            AssertError(Seqae("train", data, "-m", PathOf("m.zip"), "-l", "label", "--epochs", "0"), 1, "error: --epochs: Must be positive.");
        }
    }
}
