using System;
using System.Collections.Generic;
using Microsoft.ML.SeqAutoencoder.Scoring;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Training;

namespace Microsoft.ML.SeqAutoencoder.Tests.TestData
{
    /// <summary>Small, fast architectures and settings shared by the model tests.</summary>
    internal static class TinyAutoencoders
    {
        public static AutoencoderArchitecture Architecture(
            SequenceAutoencoderMode mode = SequenceAutoencoderMode.Reconstruction, int features = 1, int[] hidden = null,
            int encodingSize = 16, int predictionLength = 0, bool reverse = false, bool conditional = false, float dropout = 0)
            => new AutoencoderArchitecture(features, hidden ?? new[] { 32 }, encodingSize, mode, predictionLength, reverse, conditional, dropout);

        public static AutoencoderTrainingSettings Settings(int epochs = 60, int batchSize = 32, double learningRate = 0.01,
            double clip = 1.0, double validation = 0, int patience = 0, int seed = 1)
            => new AutoencoderTrainingSettings(epochs, batchSize, learningRate, clip, validation, patience, seed);

        public static SequenceAutoencoderModel Train(AutoencoderArchitecture architecture, AutoencoderTrainingSettings settings,
            SequenceSet inputs, SequenceSet future = null, List<EpochProgress> progress = null)
            => new AutoencoderTrainer(architecture, settings).Train(inputs, future, p => progress?.Add(p));

        /// <summary>Every weight and buffer of the model, flattened in state-dict order.</summary>
        public static Dictionary<string, float[]> Weights(SequenceAutoencoderModel model)
        {
            var weights = new Dictionary<string, float[]>();
            foreach (var (name, tensor) in model.Network.state_dict())
                weights[name] = tensor.contiguous().data<float>().ToArray();
            return weights;
        }

        public static bool SameWeights(SequenceAutoencoderModel a, SequenceAutoencoderModel b)
        {
            var wa = Weights(a);
            var wb = Weights(b);
            if (wa.Count != wb.Count)
                return false;
            foreach (var (name, values) in wa)
            {
                if (!wb.TryGetValue(name, out var other) || !values.AsSpan().SequenceEqual(other))
                    return false;
            }
            return true;
        }
    }
}
