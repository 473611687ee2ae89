namespace Microsoft.ML.SeqAutoencoder.Training
{
    /// <summary>
    /// How a training loop walks its data, shared by every trainer. Built from options validated at the public boundary.
    /// </summary>
    /// <param name="Epochs">Maximum number of passes over the training sequences.</param>
    /// <param name="BatchSize">Sequences per optimizer step.</param>
    /// <param name="GradientClipNorm">Maximum L2 norm of all trained gradients together; 0 turns clipping off.</param>
    /// <param name="ValidationFraction">Share of the sequences held out to measure validation loss; 0 for none.</param>
    /// <param name="EarlyStoppingPatience">
    /// Epochs without improvement of the monitored loss (validation loss, else training loss) before training stops;
    /// 0 never stops early. The best epoch's weights are restored either way.
    /// </param>
    /// <param name="Seed">Seed of weight initialization, validation split, shuffling and dropout.</param>
    internal sealed record TrainingSettings(int Epochs, int BatchSize, double GradientClipNorm, double ValidationFraction,
        int EarlyStoppingPatience, int Seed);
}
