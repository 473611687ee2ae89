using System.Collections.Generic;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Harness
{
    /// <summary>One benchmark that <c>Program</c> can dispatch to by name.</summary>
    internal interface IBenchmark
    {
        /// <summary>Name given on the command line.</summary>
        string Name { get; }

        /// <summary>One line for the list of benchmarks.</summary>
        string Description { get; }

        /// <summary>Options and what they do, several lines.</summary>
        string Usage { get; }

        /// <summary>Runs with the arguments that follow the name; returns the process exit code.</summary>
        int Run(BenchmarkArguments arguments);
    }
}
