namespace Microsoft.ML.SeqAutoencoder.Torch
{
    /// <summary>
    /// A fitted component that holds a sequence autoencoder another component can start from (the sequence classifier's
    /// pretrained encoder), without either knowing the other's type.
    /// </summary>
    internal interface IFittedAutoencoder
    {
        /// <summary>The fitted autoencoder; only read by the components that start from it.</summary>
        SequenceAutoencoderModel Autoencoder { get; }
    }
}
