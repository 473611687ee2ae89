using System;
using System.IO;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder.Persistence
{
    /// <summary>
    /// How this library reads a model file it did not write itself: every size is bounded before anything is allocated
    /// or built, and every kind of damage (truncation, flipped bytes, foreign or crafted content) ends in one exception
    /// type, ML.NET's decode exception (<see cref="FormatException"/>, as <c>CheckDecode</c> throws), with the original
    /// exception kept as the inner one. <c>mlContext.Model.Load</c> reports it as it reports its own components' load
    /// errors: an <see cref="InvalidOperationException"/> "Error during class instantiation" over the
    /// <see cref="System.Reflection.TargetInvocationException"/> of the load factory, over the decode exception.
    /// </summary>
    internal static class ModelDecode
    {
        /// <summary>The largest size (features, hidden units, steps, classes, batch) a model file may declare.</summary>
        public const int MaxSize = 1 << 20;

        /// <summary>The largest number of values one sequence or window of a model file may declare (W × F, L × F).</summary>
        public const long MaxValuesPerSequence = 1 << 24;

        // Counts read from a stream that cannot tell its length are bounded by this many items.
        private const long MaxItemsOfUnknownStream = 1 << 24;

        /// <summary>The exception for a damaged or foreign model.</summary>
        public static FormatException Damaged(string message, Exception inner = null)
            => (FormatException)(inner is null ? Contracts.ExceptDecode(message) : Contracts.ExceptDecode(inner, message));

        /// <summary>
        /// Runs <paramref name="read"/>, the body of a load factory, turning any exception other than the decode exception
        /// (a stream that ends early, a value the options reject, a native error) into the decode exception for the
        /// <paramref name="kind"/> of model. A nested model's load error that already holds a decode exception passes as it is.
        /// </summary>
        public static T Read<T>(string kind, Func<T> read)
        {
            try
            {
                return read();
            }
            catch (Exception e) when (e is not OutOfMemoryException && !HoldsDecodeException(e))
            {
                throw Damaged(e is EndOfStreamException
                    ? $"The {kind} in the model file is truncated."
                    : $"The {kind} in the model file is damaged or was not written by Microsoft.ML.SeqAutoencoder: {e.Message}", e);
            }
        }

        private static bool HoldsDecodeException(Exception e)
        {
            for (; e is not null; e = e.InnerException)
            {
                if (e is FormatException)
                    return true;
            }
            return false;
        }

        /// <summary>
        /// <paramref name="value"/>, a size read from a model file, when it is in [<paramref name="min"/>, <see cref="MaxSize"/>];
        /// otherwise the decode exception naming <paramref name="what"/>.
        /// </summary>
        public static int Size(int value, string what, int min = 1)
            => value >= min && value <= MaxSize ? value : throw Damaged($"Not a valid model: {what} {value} is out of range [{min}, {MaxSize}].");

        /// <summary>
        /// Checks that <paramref name="steps"/> × <paramref name="featuresPerStep"/>, the values of one sequence a model
        /// declares, stays within <see cref="MaxValuesPerSequence"/>.
        /// </summary>
        public static void SequenceValues(long steps, long featuresPerStep, string what)
        {
            if (steps * featuresPerStep > MaxValuesPerSequence)
                throw Damaged($"Not a valid model: {what} of {steps} steps × {featuresPerStep} features exceeds {MaxValuesPerSequence} values.");
        }

        /// <summary>
        /// <paramref name="count"/>, a number of items of <paramref name="bytesPerItem"/> bytes about to be read from
        /// <paramref name="reader"/>, when the stream still holds that many bytes (or, for a stream that cannot tell,
        /// when it is plausible); otherwise the decode exception. Call before allocating the items.
        /// </summary>
        public static int Count(BinaryReader reader, long count, int bytesPerItem, string what)
        {
            Stream stream = reader.BaseStream;
            long limit = stream.CanSeek ? (stream.Length - stream.Position) / bytesPerItem : MaxItemsOfUnknownStream;
            if (count < 0 || count > limit || count > Array.MaxLength)
                throw Damaged($"Not a valid model: {count} {what} do not fit in the {(stream.CanSeek ? $"{stream.Length - stream.Position} bytes left in the stream" : "stream")}.");
            return (int)count;
        }
    }
}
