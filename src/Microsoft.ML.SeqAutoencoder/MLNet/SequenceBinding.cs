using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.ML.Data;
using Microsoft.ML.SeqAutoencoder.Torch;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// A sequence stage bound to one input schema: where its input column is, how many steps at the end of each row are
    /// forecast targets, which columns it adds, and how to score rows for the active ones. Shared by the row mapper (one
    /// row at a time) and the look-ahead view (many rows per forward pass).
    /// </summary>
    internal sealed class SequenceBinding
    {
        private readonly Func<SequenceSet, bool[], float[][][]> _score;

        /// <param name="input">The input column.</param>
        /// <param name="inputIndex">Its index in the input schema, as <see cref="SequenceColumn.Check(Runtime.IExceptionContext, DataViewSchema, out int)"/> found it.</param>
        /// <param name="targetSteps">Steps at the end of each row that are forecast targets rather than input.</param>
        /// <param name="outputs">The added columns.</param>
        /// <param name="score">Scores the rows of a set for the active outputs: result[row][output] (null when inactive).</param>
        public SequenceBinding(SequenceColumn input, int inputIndex, int targetSteps,
            IReadOnlyList<SequenceOutput> outputs, Func<SequenceSet, bool[], float[][][]> score)
        {
            Input = input;
            InputIndex = inputIndex;
            TargetSteps = targetSteps;
            Outputs = outputs.ToArray();
            Columns = Outputs.Select(o => new DataViewSchema.DetachedColumn(o.Name, o.Type)).ToArray();
            _score = score;
        }

        public SequenceColumn Input { get; }

        public int InputIndex { get; }

        public int TargetSteps { get; }

        public SequenceOutput[] Outputs { get; }

        public DataViewSchema.DetachedColumn[] Columns { get; }

        /// <summary>An empty set for rows of this input.</summary>
        public SequenceSet NewSet() => new SequenceSet(Input.FeaturesPerStep, TargetSteps);

        /// <summary>Scores <paramref name="rows"/> for the outputs flagged in <paramref name="active"/>: result[row][output].</summary>
        public float[][][] Score(SequenceSet rows, bool[] active) => _score(rows, active);

        /// <summary>A getter for output <paramref name="index"/> that reads the scored row <paramref name="current"/> returns.</summary>
        public Delegate MakeGetter(int index, Func<float[][]> current)
        {
            if (Outputs[index].IsScalar)
            {
                ValueGetter<float> scalar = (ref float value) => value = current()[index][0];
                return scalar;
            }
            ValueGetter<VBuffer<float>> vector = (ref VBuffer<float> value) =>
            {
                float[] values = current()[index];
                var editor = VBufferEditor.Create(ref value, values.Length);
                values.AsSpan().CopyTo(editor.Values);
                value = editor.Commit();
            };
            return vector;
        }
    }

    /// <summary>
    /// One column a sequence stage adds: a <see cref="float"/> or a vector of <see cref="float"/> (known or variable size).
    /// Its value for a row is always a <c>float[]</c>; a scalar column's holds one value.
    /// </summary>
    /// <param name="Name">The column's name.</param>
    /// <param name="Type">Its type.</param>
    internal sealed record SequenceOutput(string Name, DataViewType Type)
    {
        /// <summary>A vector column of <paramref name="size"/> values (0: variable size).</summary>
        public static SequenceOutput Vector(string name, int size) => new SequenceOutput(name, new VectorDataViewType(NumberDataViewType.Single, size));

        /// <summary>A scalar column.</summary>
        public static SequenceOutput Scalar(string name) => new SequenceOutput(name, NumberDataViewType.Single);

        /// <summary>Whether the column holds one <see cref="float"/> per row.</summary>
        public bool IsScalar => Type is not VectorDataViewType;
    }
}
