using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Training;

namespace Microsoft.ML.SeqAutoencoder.Tests.TestData
{
    /// <summary>Small, fast architectures and settings shared by the model tests, and the inference calls they use.</summary>
    internal static class TinyAutoencoders
    {
        /// <summary>The loop's settings plus the autoencoder trainer's own.</summary>
        public sealed record TrainerSettings(TrainingSettings Loop, double LearningRate, double TeacherStepDropout);

        public static AutoencoderArchitecture Architecture(
            SequenceAutoencoderMode mode = SequenceAutoencoderMode.Reconstruction, int features = 1, int[] hidden = null,
            int encodingSize = 16, int predictionLength = 0, bool reverse = false, bool conditional = false, float dropout = 0)
            => new AutoencoderArchitecture(new EncoderShape(features, hidden ?? new[] { 32 }, encodingSize, dropout), mode, predictionLength, reverse, conditional);

        public static TrainerSettings Settings(int epochs = 60, int batchSize = 32, double learningRate = 0.01,
            double clip = 1.0, double validation = 0, int patience = 0, int seed = 1, double teacherStepDropout = 0.5)
            => new TrainerSettings(new TrainingSettings(epochs, batchSize, clip, validation, patience, QualitySeed.Of(seed)), learningRate, teacherStepDropout);

        public static AutoencoderTrainer Trainer(AutoencoderArchitecture architecture, TrainerSettings settings)
            => new AutoencoderTrainer(architecture, settings.Loop, settings.LearningRate, settings.TeacherStepDropout);

        public static SequenceAutoencoderModel Train(AutoencoderArchitecture architecture, TrainerSettings settings,
            SequenceSet inputs, SequenceSet future = null, List<EpochProgress> progress = null)
            => Trainer(architecture, settings).Train(WithTargets(inputs, future), progress: p => progress?.Add(p));

        /// <summary>One set whose rows are each input followed by its future steps (the targets).</summary>
        public static SequenceSet WithTargets(SequenceSet inputs, SequenceSet future)
        {
            if (future is null)
                return inputs;
            var set = new SequenceSet(inputs.FeaturesPerStep, future.Length(0));
            for (int i = 0; i < inputs.Count; i++)
                set.Add(inputs.Get(i).ToArray().Concat(future.Get(i).ToArray()).ToArray());
            return set;
        }

        /// <summary>Every input rebuilt in input order and original units.</summary>
        public static float[][] Reconstruct(this SequenceAutoencoderModel model, SequenceSet inputs)
            => model.Run(WithDummyTargets(model, inputs), 256, SequenceOutputKinds.Reconstruction).Select(o => o.Reconstruction).ToArray();

        /// <summary>The PredictionLength steps forecast after every input.</summary>
        public static float[][] Forecast(this SequenceAutoencoderModel model, SequenceSet inputs)
            => model.Run(WithDummyTargets(model, inputs), 256, SequenceOutputKinds.Forecast).Select(o => o.Forecast).ToArray();

        /// <summary>The code of every input.</summary>
        public static float[][] Encode(this SequenceAutoencoderModel model, SequenceSet inputs, int batchSize = 256)
            => model.Run(WithDummyTargets(model, inputs), batchSize, SequenceOutputKinds.Code).Select(o => o.Code).ToArray();

        /// <summary>The inputs with zero target steps, for a forecasting model asked for outputs other than errors.</summary>
        private static SequenceSet WithDummyTargets(SequenceAutoencoderModel model, SequenceSet inputs)
        {
            int p = model.Architecture.PredictionLength;
            if (p == 0)
                return inputs;
            var zeros = new SequenceSet(inputs.FeaturesPerStep);
            for (int i = 0; i < inputs.Count; i++)
                zeros.Add(new float[p * inputs.FeaturesPerStep]);
            return WithTargets(inputs, zeros);
        }

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
