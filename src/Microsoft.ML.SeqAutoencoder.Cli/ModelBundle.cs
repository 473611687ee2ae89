using System;
using System.IO;
using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML.Data;

namespace Microsoft.ML.SeqAutoencoder.Cli
{
    /// <summary>What the model was trained for.</summary>
    internal enum ModelTask
    {
        /// <summary>An encoder (EncodeSequences): one row per sequence.</summary>
        Encode,

        /// <summary>A per-sequence anomaly detector (AnomalyDetection.Trainers.LstmAutoencoder): one row per sequence.</summary>
        Detect,

        /// <summary>A streaming detector (DetectAnomalyBySequenceAutoencoder): one row per time step.</summary>
        Series,
    }

    /// <summary>How the tool read the training CSV, so that later commands read theirs the same way by default.</summary>
    internal sealed record CsvSettings(ModelTask Task, string[] Columns, int FeaturesPerStep, bool HasHeader, string LabelColumn, int Window);

    /// <summary>
    /// A model file: ML.NET's model zip (<c>mlContext.Model.Save</c>, so it loads in any ML.NET program with
    /// <c>mlContext.Model.Load</c>) plus one extra entry, <c>seqae/settings.json</c>, that ML.NET ignores.
    /// </summary>
    internal static class ModelBundle
    {
        public const string FeaturesColumn = "Features";
        private const string SettingsEntry = "seqae/settings.json";
        private static readonly JsonSerializerOptions _json = new JsonSerializerOptions { WriteIndented = true };

        public static void Save(MLContext mlContext, ITransformer model, DataViewSchema schema, CsvSettings settings, string path)
        {
            string directory = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!Directory.Exists(directory))
                throw new CliException($"cannot write '{path}': folder '{directory}' does not exist.");
            // Written beside the target and moved over it once complete: a reader never sees half a model, and a failed
            // save leaves the old file.
            string temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            try
            {
                mlContext.Model.Save(model, schema, temporary);
                using (var zip = ZipFile.Open(temporary, ZipArchiveMode.Update))
                using (var stream = zip.CreateEntry(SettingsEntry).Open())
                    JsonSerializer.Serialize(stream, settings, _json);
                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                if (File.Exists(temporary))
                    File.Delete(temporary);
            }
        }

        public static (ITransformer Model, CsvSettings Settings) Load(MLContext mlContext, string path)
        {
            if (!File.Exists(path))
                throw new CliException($"model file '{path}' not found.");
            CsvSettings settings;
            try
            {
                using var zip = ZipFile.OpenRead(path);
                var entry = zip.GetEntry(SettingsEntry)
                    ?? throw new CliException($"'{path}' was not written by 'seqae train' (it has no {SettingsEntry}).");
                using var stream = entry.Open();
                settings = JsonSerializer.Deserialize<CsvSettings>(stream);
            }
            catch (Exception e) when (e is InvalidDataException || e is JsonException)
            {
                throw new CliException($"'{path}' is not a model file written by 'seqae train' ({e.Message}).");
            }
            return (mlContext.Model.Load(path, out _), settings);
        }
    }
}
