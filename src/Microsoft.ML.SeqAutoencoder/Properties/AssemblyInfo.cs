using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Microsoft.ML.SeqAutoencoder.Tests")]
[assembly: InternalsVisibleTo("Microsoft.ML.SeqAutoencoder.Benchmarks")]

// Compiled against publicized copies of these two (build/Publicize.targets); this lets the runtime agree.
[assembly: IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: IgnoresAccessChecksTo("Microsoft.ML.Data")]
