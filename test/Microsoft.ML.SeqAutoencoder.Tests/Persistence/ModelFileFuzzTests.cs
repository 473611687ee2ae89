using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using System.Threading.Tasks;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Tests.TestData;
using Xunit;
using Xunit.Abstractions;

namespace Microsoft.ML.SeqAutoencoder.Tests.Persistence
{
    /// <summary>
    /// A model file is input: it may be damaged or written by someone else. Every stage's saved model (the files in
    /// TestData/ModelFiles) is damaged a few hundred ways, in the raw file and inside the entries this library writes
    /// (its side stream and its components' ML.NET model streams); every load then either computes the same outputs or
    /// throws ML.NET's decode exception (<see cref="FormatException"/>, under ML.NET's own wrappers), quickly and without
    /// a large allocation. Damage in the zip container or in an assembly name is reported by .NET before this library
    /// runs (<see cref="InvalidDataException"/>, <see cref="FileNotFoundException"/>) and is counted apart.
    /// </summary>
    public sealed class ModelFileFuzzTests
    {
        private static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);
        private const long MaxGrowthBytes = 1L << 30;

        private readonly MLContext _ml = new MLContext(seed: 1);
        private readonly JsonElement _expected = ModelFiles.Expected();
        private readonly ITestOutputHelper _output;

        public ModelFileFuzzTests(ITestOutputHelper output) => _output = output;

        /// <summary>What a loaded model computes on the stored inputs, flattened; the file's stage decides the columns.</summary>
        private double[] Outputs(string file, ITransformer model)
        {
            IDataView rows = ModelFiles.Inputs(_ml, _expected);
            switch (file)
            {
                case "encoder.zip":
                    var encoded = model.Transform(rows);
                    return encoded.GetColumn<float[]>("Encoding").SelectMany(v => v)
                        .Concat(encoded.GetColumn<float[]>("Reconstruction").SelectMany(v => v))
                        .Concat(encoded.GetColumn<float[]>("Forecast").SelectMany(v => v))
                        .Concat(encoded.GetColumn<float>("Error")).Select(v => (double)v).ToArray();
                case "decoder.zip":
                    var codes = _ml.Data.LoadFromEnumerable(_expected.GetProperty("encoder.Encoding").EnumerateArray()
                        .Select(r => new Code { Encoding = ModelFiles.Floats(r) }).ToArray());
                    return model.Transform(codes).GetColumn<float[]>("Decoded").SelectMany(v => v).Select(v => (double)v).ToArray();
                case "anomaly.zip":
                    var scored = model.Transform(rows);
                    return scored.GetColumn<float>("Score").Select(v => (double)v)
                        .Concat(scored.GetColumn<bool>("PredictedLabel").Select(b => b ? 1.0 : 0.0)).ToArray();
                case "steperrors.zip":
                    return model.Transform(rows).GetColumn<float[]>("StepErrors").SelectMany(v => v).Select(v => (double)v).ToArray();
                case "detector.zip":
                    return model.Transform(ModelFiles.DetectorInputs(_ml, _expected)).GetColumn<double[]>("Prediction").SelectMany(v => v).ToArray();
                case "classifier.zip":
                    var keyed = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(rows).Transform(rows);
                    return model.Transform(keyed).GetColumn<float[]>("Score").SelectMany(v => v).Select(v => (double)v).ToArray();
                default:
                    throw new ArgumentOutOfRangeException(nameof(file));
            }
        }

        private sealed class Code
        {
            [VectorType(4)]
            public float[] Encoding { get; set; }
        }

        /// <summary>Loads <paramref name="bytes"/> and computes its outputs, or the exception either step threw.</summary>
        private (double[] Outputs, Exception Error) LoadAndScore(string file, byte[] bytes)
        {
            try
            {
                ITransformer model = _ml.Model.Load(new MemoryStream(bytes, writable: false), out _);
                try
                {
                    return (Outputs(file, model), null);
                }
                finally
                {
                    (model as IDisposable)?.Dispose();
                }
            }
            catch (Exception e)
            {
                return (null, e);
            }
        }

        /// <summary>The file with the content of entry <paramref name="entryName"/> replaced by <paramref name="content"/> (a valid zip).</summary>
        private static byte[] WithEntry(byte[] zip, string entryName, byte[] content)
        {
            var copy = new MemoryStream();
            copy.Write(zip);
            using (var archive = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
            {
                archive.GetEntry(entryName).Delete();
                using var stream = archive.CreateEntry(entryName).Open();
                stream.Write(content);
            }
            return copy.ToArray();
        }

        private static Dictionary<string, byte[]> Entries(byte[] zip)
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            return archive.Entries.Where(e => e.Length > 0).ToDictionary(e => e.FullName, e =>
            {
                using var s = e.Open();
                var m = new MemoryStream();
                s.CopyTo(m);
                return m.ToArray();
            });
        }

        /// <summary>Damaged copies of <paramref name="zip"/>: raw truncations and byte flips, then truncations, flips and huge counts inside each entry.</summary>
        private static IEnumerable<(string What, byte[] Bytes, bool Crafted)> Damage(byte[] zip, Random random)
        {
            for (int i = 0; i < 8; i++)
            {
                int length = random.Next(zip.Length);
                yield return ($"file truncated to {length} bytes", zip[..length], false);
            }
            for (int i = 0; i < 12; i++)
            {
                byte[] flipped = (byte[])zip.Clone();
                int at = random.Next(zip.Length);
                flipped[at] ^= (byte)(1 << random.Next(8));
                yield return ($"file byte {at} flipped", flipped, false);
            }
            // Inside the zip: the library's side stream and the ML.NET model stream (Model.key: ML.NET's header, then the
            // component's fields) of each component of this library. The entries ML.NET writes for itself (the schemas,
            // the chain) are ML.NET's own format.
            var entries = Entries(zip);
            var ours = entries.Keys.Where(n => n.EndsWith("/SequenceAutoencoder", StringComparison.Ordinal) || n.EndsWith("/SequenceClassifier", StringComparison.Ordinal))
                .SelectMany(n => new[] { n, n[..(n.LastIndexOf('/') + 1)] + "Model.key" }).ToHashSet();
            Assert.NotEmpty(ours);
            foreach (var (name, content) in entries)
            {
                if (!ours.Contains(name))
                    continue;
                for (int i = 0; i < 4; i++)
                {
                    int length = random.Next(content.Length);
                    yield return ($"{name} truncated to {length} bytes", WithEntry(zip, name, content[..length]), true);
                }
                for (int i = 0; i < 6; i++)
                {
                    byte[] flipped = (byte[])content.Clone();
                    int at = random.Next(content.Length);
                    flipped[at] ^= (byte)(1 << random.Next(8));
                    yield return ($"{name} byte {at} flipped", WithEntry(zip, name, flipped), true);
                }
                // Sizes and counts set huge or negative, at every 4-byte offset of the first 200 bytes (the header and the fields).
                for (int at = 0; at + 4 <= Math.Min(content.Length, 200); at += 4)
                {
                    byte[] huge = (byte[])content.Clone();
                    BitConverter.TryWriteBytes(huge.AsSpan(at), at % 8 == 0 ? int.MaxValue : -7);
                    yield return ($"{name} int32 at {at} set to {(at % 8 == 0 ? int.MaxValue : -7)}", WithEntry(zip, name, huge), true);
                }
            }
        }

        /// <summary>
        /// Whether <paramref name="e"/> is how .NET reports a damaged zip container or a damaged assembly name, both read
        /// by ML.NET before any of this library's code runs (this library has no say in their exception types).
        /// </summary>
        private static bool IsContainerError(Exception e)
        {
            string origin = e.TargetSite?.Module.Assembly.GetName().Name ?? "";
            return origin != "Microsoft.ML.SeqAutoencoder"
                && (e is InvalidDataException && origin == "System.IO.Compression" || e is FileNotFoundException or FileLoadException);
        }

        private static string Chain(Exception e)
        {
            var parts = new List<string>();
            for (; e is not null; e = e.InnerException)
                parts.Add($"{e.GetType().Name}: {e.Message}");
            return string.Join(" <- ", parts);
        }

        [Theory]
        [MemberData(nameof(ModelFiles.Stages), MemberType = typeof(ModelFiles))]
        public async Task DamagedModelFilesLoadAsBeforeOrThrowTheDecodeException(string file)
        {
            byte[] zip = File.ReadAllBytes(ModelFiles.PathOf(file));
            var (expected, error) = LoadAndScore(file, zip);
            Assert.Null(error);
            var random = new Random(file.Length * 7919 + file[0]);
            long peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;
            int cases = 0, same = 0, rejected = 0, rejectedByContainer = 0, differentButValid = 0;
            var failures = new List<string>();
            foreach (var (what, bytes, crafted) in Damage(zip, random))
            {
                cases++;
                var run = Task.Run(() => LoadAndScore(file, bytes));
                if (await Task.WhenAny(run, Task.Delay(CaseTimeout)) != run)
                {
                    failures.Add($"{what}: no answer after {CaseTimeout.TotalSeconds} s");
                    break;
                }
                var (outputs, e) = await run;
                if (e is not null)
                {
                    // ML.NET calls each component's load factory by reflection and reports a decode error inside
                    // InvalidOperationException("Error during class instantiation") and TargetInvocationException, as for
                    // its own components.
                    while (e is TargetInvocationException or InvalidOperationException && e.InnerException is not null)
                        e = e.InnerException;
                    if (e is FormatException)
                        rejected++;
                    else if (IsContainerError(e))
                        rejectedByContainer++;
                    else
                        failures.Add($"{what}: {Chain(e)}");
                }
                else if (outputs.SequenceEqual(expected))
                {
                    same++;
                }
                else if (crafted && outputs.All(v => !double.IsInfinity(v)))
                {
                    // Inside a valid zip a changed value is a different model, not damage: it need only load and score.
                    differentButValid++;
                }
                else
                {
                    failures.Add($"{what}: loaded and computed other outputs");
                }
            }
            long growth = Process.GetCurrentProcess().PeakWorkingSet64 - peakBefore;
            _output.WriteLine($"{file}: {cases} cases, {same} same outputs, {rejected} FormatException, {rejectedByContainer} rejected by the zip reader or assembly binder, {differentButValid} crafted values loaded, peak working set +{growth >> 20} MiB");
            foreach (string f in failures.Take(40))
                _output.WriteLine(f);
            Assert.True(failures.Count == 0, $"{failures.Count} of {cases} damaged copies of {file} did neither:\n" + string.Join("\n", failures.Take(20)));
            Assert.True(growth < MaxGrowthBytes, $"peak working set grew by {growth >> 20} MiB");
        }
    }
}
