namespace Microsoft.ML.SeqAutoencoder
{
    /// <summary>
    /// What the decoder(s) of a sequence autoencoder learn to produce from the encoding
    /// (Srivastava et al. 2015, "Unsupervised Learning of Video Representations using LSTMs").
    /// </summary>
    public enum SequenceAutoencoderMode
    {
        /// <summary>One decoder rebuilds the input sequence (optionally in reverse order).</summary>
        Reconstruction = 0,

        /// <summary>One decoder forecasts the steps that follow the input sequence.</summary>
        Prediction = 1,

        /// <summary>One encoder, two decoders (reconstruction and prediction); their losses are summed.</summary>
        Composite = 2,
    }
}
