namespace Microsoft.ML.SeqAutoencoder.Training
{
    /// <summary>What one epoch achieved.</summary>
    /// <param name="Epoch">1-based epoch number.</param>
    /// <param name="Epochs">Maximum number of epochs.</param>
    /// <param name="TrainingLoss">Mean loss over the epoch's training batches (standardized units).</param>
    /// <param name="ValidationLoss">Loss on the held-out sequences, or null without validation.</param>
    /// <param name="Seconds">Wall-clock seconds the epoch took, validation included.</param>
    /// <param name="IsBest">Whether this epoch has the best monitored loss so far.</param>
    internal sealed record EpochProgress(int Epoch, int Epochs, double TrainingLoss, double? ValidationLoss, double Seconds, bool IsBest);
}
