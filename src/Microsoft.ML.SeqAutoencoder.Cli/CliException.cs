using System;

namespace Microsoft.ML.SeqAutoencoder.Cli
{
    /// <summary>An expected failure (bad file, bad column, bad value): printed as one line, exit code 1.</summary>
    internal sealed class CliException : Exception
    {
        public CliException(string message)
            : base(message)
        {
        }
    }
}
