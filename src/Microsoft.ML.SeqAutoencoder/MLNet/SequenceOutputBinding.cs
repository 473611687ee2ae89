using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Scoring;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>One output column: its schema entry and how to read it from a scored row.</summary>
    internal sealed class SequenceOutput
    {
        private SequenceOutput(string name, DataViewType type, Func<ScoredSequence, float[]> vector, Func<ScoredSequence, float> scalar)
        {
            Name = name;
            Type = type;
            Vector = vector;
            Scalar = scalar;
        }

        public string Name { get; }

        public DataViewType Type { get; }

        public Func<ScoredSequence, float[]> Vector { get; }

        public Func<ScoredSequence, float> Scalar { get; }

        public static SequenceOutput ForVector(string name, int size, Func<ScoredSequence, float[]> select)
            => new SequenceOutput(name, new VectorDataViewType(NumberDataViewType.Single, size), select, null);

        public static SequenceOutput ForScalar(string name, Func<ScoredSequence, float> select)
            => new SequenceOutput(name, NumberDataViewType.Single, null, select);
    }

    /// <summary>
    /// A sequence component bound to one input schema: where its input column is, which columns it adds, and
    /// how to score a batch of rows for the active ones. Shared by the row mapper (one row at a time) and the
    /// batching view (many rows per forward pass).
    /// </summary>
    internal sealed class SequenceOutputBinding
    {
        private readonly Func<IReadOnlyList<float[]>, bool[], ScoredSequence[]> _score;

        /// <param name="input">The input column.</param>
        /// <param name="inputIndex">Its index in the input schema, as <see cref="SequenceColumn.Check(IExceptionContext, DataViewSchema, out int)"/> found it.</param>
        /// <param name="outputs">The added columns.</param>
        /// <param name="score">Scores rows for the active outputs.</param>
        public SequenceOutputBinding(SequenceColumn input, int inputIndex,
            IReadOnlyList<SequenceOutput> outputs, Func<IReadOnlyList<float[]>, bool[], ScoredSequence[]> score)
        {
            Input = input;
            InputIndex = inputIndex;
            Outputs = outputs.ToArray();
            Columns = Outputs.Select(o => new DataViewSchema.DetachedColumn(o.Name, o.Type)).ToArray();
            _score = score;
        }

        public SequenceColumn Input { get; }

        public int InputIndex { get; }

        public SequenceOutput[] Outputs { get; }

        public DataViewSchema.DetachedColumn[] Columns { get; }

        /// <summary>Scores rows for the outputs flagged in <paramref name="active"/>.</summary>
        public ScoredSequence[] Score(IReadOnlyList<float[]> rows, bool[] active) => _score(rows, active);

        /// <summary>A getter for output <paramref name="index"/> that reads the row <paramref name="current"/> returns.</summary>
        public Delegate MakeGetter(int index, Func<ScoredSequence> current)
        {
            var output = Outputs[index];
            if (output.Vector is not null)
            {
                var select = output.Vector;
                ValueGetter<VBuffer<float>> vector = (ref VBuffer<float> value) =>
                {
                    float[] values = select(current());
                    var editor = VBufferEditor.Create(ref value, values.Length);
                    values.AsSpan().CopyTo(editor.Values);
                    value = editor.Commit();
                };
                return vector;
            }
            var scalar = output.Scalar;
            ValueGetter<float> getter = (ref float value) => value = scalar(current());
            return getter;
        }
    }
}
