using System;
using System.IO;
using System.IO.Compression;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.MLNet;
using Microsoft.ML.SeqAutoencoder.Persistence;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.MLNet
{
    /// <summary>
    /// Tests of the library's helpers over ML.NET internals (<see cref="CatalogEnvironment"/>,
    /// <see cref="ModelStreams"/>): they compile against publicized ML.NET and run against the real one, so an
    /// ML.NET upgrade that changes one of those internals fails here.
    /// </summary>
    public sealed class InternalsAccessTests
    {
        private const string ModelDirectory = "Model";
        private const string StreamName = "Weights";

        [Fact]
        public void RuntimeUsesTheRealMLNetAssemblies()
        {
            // The publicized copies are compile references only; had one been deployed, these would be public.
            Assert.False(typeof(ModelLoadContext).IsPublic);
            Assert.False(typeof(CatalogUtils).IsPublic);
        }

        [Fact]
        public void CatalogEnvironmentGetsTheContextEnvironment()
        {
            var mlContext = new MLContext(seed: 1);

            IHostEnvironment transformsEnvironment = CatalogEnvironment.GetEnvironment(mlContext.Transforms);
            IHostEnvironment anomalyEnvironment = CatalogEnvironment.GetEnvironment(mlContext.AnomalyDetection.Trainers);
            IHostEnvironment multiclassEnvironment = CatalogEnvironment.GetEnvironment(mlContext.MulticlassClassification.Trainers);

            Assert.NotNull(transformsEnvironment);
            Assert.Same(transformsEnvironment, anomalyEnvironment);
            Assert.Same(transformsEnvironment, multiclassEnvironment);
            Assert.NotSame(transformsEnvironment, CatalogEnvironment.GetEnvironment(new MLContext(seed: 1).Transforms));
            Assert.NotNull(transformsEnvironment.Register(nameof(CatalogEnvironmentGetsTheContextEnvironment)));
        }

        [Fact]
        public void CatalogEnvironmentRejectsNullCatalog()
        {
            Assert.Throws<ArgumentNullException>(() => CatalogEnvironment.GetEnvironment((TransformsCatalog)null));
            Assert.Throws<ArgumentNullException>(() => CatalogEnvironment.GetEnvironment((TrainCatalogBase.CatalogInstantiatorBase)null));
        }

        [Fact]
        public void ModelStreamsRoundTripThroughModelFile()
        {
            IHostEnvironment env = new MLContext(seed: 1);
            byte[] payload = { 0, 1, 2, 127, 128, 254, 255 };
            using var file = new MemoryStream();

            SaveModel(env, file, ctx =>
            {
                ctx.Writer.Write(42);
                ModelStreams.Save(ctx, StreamName, stream =>
                {
                    using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
                    writer.Write(payload.Length);
                    writer.Write(payload);
                });
                ctx.Writer.Write(-7);
            });

            // The stream is its own entry beside the model's main stream.
            file.Position = 0;
            using (var archive = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true))
                Assert.NotNull(archive.GetEntry($"{ModelDirectory}/{StreamName}"));

            int before = 0;
            int after = 0;
            byte[] loaded = null;
            file.Position = 0;
            LoadModel(env, file, ctx =>
            {
                before = ctx.Reader.ReadInt32();
                loaded = ModelStreams.Load(ctx, StreamName, stream =>
                {
                    using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
                    return reader.ReadBytes(reader.ReadInt32());
                });
                after = ctx.Reader.ReadInt32();
            });

            Assert.Equal(42, before);
            Assert.Equal(payload, loaded);
            Assert.Equal(-7, after);
        }

        [Fact]
        public void ModelStreamsLoadThrowsWhenStreamIsMissing()
        {
            IHostEnvironment env = new MLContext(seed: 1);
            using var file = new MemoryStream();
            SaveModel(env, file, ctx => ctx.Writer.Write(42));

            file.Position = 0;
            var exception = Assert.Throws<FormatException>(() => LoadModel(env, file, ctx =>
            {
                ctx.Reader.ReadInt32();
                ModelStreams.Load<int>(ctx, StreamName, stream => throw new InvalidOperationException("There is no stream to read."));
            }));

            Assert.Contains($"'{StreamName}'", exception.Message);
        }

        private static VersionInfo GetVersionInfo()
        {
            return new VersionInfo(
                modelSignature: "SQAETEST",
                verWrittenCur: 0x00010001, // Initial
                verReadableCur: 0x00010001,
                verWeCanReadBack: 0x00010001,
                loaderSignature: "SeqAeInternalsAccessTest",
                loaderAssemblyName: typeof(InternalsAccessTests).Assembly.FullName);
        }

        private static void SaveModel(IHostEnvironment env, Stream file, Action<ModelSaveContext> save)
        {
            using (var repository = RepositoryWriter.CreateNew(file, env, useFileSystem: false))
            {
                using (var ctx = new ModelSaveContext(repository, ModelDirectory, ModelLoadContext.ModelStreamName))
                {
                    ctx.SetVersionInfo(GetVersionInfo());
                    save(ctx);
                    ctx.Done();
                }

                repository.Commit();
            }
        }

        private static void LoadModel(IHostEnvironment env, Stream file, Action<ModelLoadContext> load)
        {
            using (var repository = RepositoryReader.Open(file, env, useFileSystem: false))
            using (var entry = repository.OpenEntry(ModelDirectory, ModelLoadContext.ModelStreamName))
            using (var ctx = new ModelLoadContext(repository, entry, ModelDirectory))
            {
                ctx.CheckAtModel(GetVersionInfo());
                load(ctx);
                ctx.Done();
            }
        }
    }
}
