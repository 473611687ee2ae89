using System;
using System.Globalization;

namespace Microsoft.ML.SeqAutoencoder.Tests.TestData
{
    /// <summary>
    /// Quality thresholds on trained models (an AUC, an accuracy, an error against the data's variance) must hold for any
    /// training seed, not one lucky draw. Each test asserting one carries <c>[Trait("Category", QualitySeed.Category)]</c>
    /// and trains with <see cref="Of"/>: CI runs offset 0; <c>SEQAE_SEED_OFFSET=1</c> and <c>=2</c> move every such
    /// training seed (the data stay the same), and the Quality tests are run with all three before a threshold changes:
    /// <c>for o in 0 1 2; do SEQAE_SEED_OFFSET=$o dotnet test -c Release --filter Category=Quality; done</c>.
    /// </summary>
    internal static class QualitySeed
    {
        /// <summary>The trait value of tests that assert a quality threshold.</summary>
        public const string Category = "Quality";

        /// <summary>The offset read from SEQAE_SEED_OFFSET (0 when unset).</summary>
        public static readonly int Offset = int.Parse(Environment.GetEnvironmentVariable("SEQAE_SEED_OFFSET") ?? "0", CultureInfo.InvariantCulture);

        /// <summary>The training seed to use for a test's <paramref name="seed"/>.</summary>
        public static int Of(int seed) => seed + 1000 * Offset;
    }
}
