using System.Globalization;

namespace Microsoft.ML.SeqAutoencoder.Training
{
    /// <summary>What one epoch achieved.</summary>
    /// <param name="Epoch">1-based epoch number.</param>
    /// <param name="Epochs">Maximum number of epochs.</param>
    /// <param name="TrainingLoss">Mean loss over the epoch's training batches.</param>
    /// <param name="ValidationLoss">Loss on the held-out sequences, or null without validation.</param>
    /// <param name="Seconds">Wall-clock seconds the epoch took, validation included.</param>
    /// <param name="IsBest">Whether this epoch has the best monitored loss so far.</param>
    internal sealed record EpochProgress(int Epoch, int Epochs, double TrainingLoss, double? ValidationLoss, double Seconds, bool IsBest)
    {
        /// <summary>The line every stage logs to <c>MLContext.Log</c> (invariant culture; the CLI reads it back).</summary>
        public override string ToString()
            => string.Create(CultureInfo.InvariantCulture, $"Epoch {Epoch}/{Epochs}: loss {TrainingLoss:G4}") +
               (ValidationLoss.HasValue ? string.Create(CultureInfo.InvariantCulture, $", validation loss {ValidationLoss.Value:G4}") : "") +
               string.Create(CultureInfo.InvariantCulture, $", {Seconds:F2} s{(IsBest ? " (best)" : "")}");
    }
}
