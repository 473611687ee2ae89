using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Microsoft.ML.SeqAutoencoder.Tests")]
[assembly: InternalsVisibleTo("Microsoft.ML.SeqAutoencoder.Benchmarks")]
