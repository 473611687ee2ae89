using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder.MLNet
{
    /// <summary>
    /// The input column of a sequence component: a vector of <see cref="float"/> (known or variable size)
    /// holding whole steps of F features, step-major. Checks schemas and reads rows, failing with messages
    /// that name the column, what was expected and what was found.
    /// </summary>
    internal sealed class SequenceColumn
    {
        public SequenceColumn(string name, int featuresPerStep, int minimumSteps, int maximumSteps = int.MaxValue)
        {
            Name = name;
            FeaturesPerStep = featuresPerStep;
            MinimumSteps = minimumSteps;
            MaximumSteps = maximumSteps;
        }

        public string Name { get; }

        public int FeaturesPerStep { get; }

        public int MinimumSteps { get; }

        public int MaximumSteps { get; }

        private string Expected => MaximumSteps == 1
            ? $"vector of Single with {FeaturesPerStep} values"
            : MinimumSteps > 1
                ? $"vector of Single with a multiple of {FeaturesPerStep} values (whole steps of {FeaturesPerStep} features), at least {MinimumSteps} steps"
                : $"vector of Single with a multiple of {FeaturesPerStep} values (whole steps of {FeaturesPerStep} features)";

        private bool Fits(int length)
            => length % FeaturesPerStep == 0 && length / FeaturesPerStep >= MinimumSteps && length / FeaturesPerStep <= MaximumSteps;

        /// <summary>Checks an estimator's input shape; the vector size is checked later on the real schema.</summary>
        public void Check(IExceptionContext ectx, SchemaShape inputSchema)
        {
            if (!inputSchema.TryFindColumn(Name, out var column))
                throw ectx.ExceptSchemaMismatch(nameof(inputSchema), "input", Name);
            if (column.Kind == SchemaShape.Column.VectorKind.Scalar || column.ItemType != NumberDataViewType.Single || column.IsKey)
                throw ectx.ExceptSchemaMismatch(nameof(inputSchema), "input", Name, Expected, column.GetTypeString());
        }

        /// <summary>Finds the column and checks its type; returns its index and its fixed size (0 if variable).</summary>
        public int Check(IExceptionContext ectx, DataViewSchema inputSchema, out int size)
        {
            var column = inputSchema.GetColumnOrNull(Name);
            if (column is null)
                throw ectx.ExceptSchemaMismatch(nameof(inputSchema), "input", Name);
            if (column.Value.Type is not VectorDataViewType vector || vector.ItemType != NumberDataViewType.Single || vector.Dimensions.Length != 1)
                throw ectx.ExceptSchemaMismatch(nameof(inputSchema), "input", Name, Expected, column.Value.Type.ToString());
            size = vector.Size;
            if (size != 0 && !Fits(size))
                throw ectx.ExceptSchemaMismatch(nameof(inputSchema), "input", Name, Expected, $"vector of Single with {size} values");
            return column.Value.Index;
        }

        /// <summary>
        /// Reads the current row into a new dense array and checks it: whole steps, enough of them, all finite.
        /// <paramref name="row"/> is the row's position, for the message.
        /// </summary>
        public float[] Read(IExceptionContext ectx, ValueGetter<VBuffer<float>> getter, ref VBuffer<float> buffer, long row)
        {
            getter(ref buffer);
            return Read(ectx, in buffer, row);
        }

        /// <summary>
        /// Copies <paramref name="value"/> into a new dense array and checks it: whole steps, enough of them, all
        /// finite. <paramref name="row"/> is the row's position for the message, or negative when unknown.
        /// </summary>
        public float[] Read(IExceptionContext ectx, in VBuffer<float> value, long row)
        {
            int length = value.Length;
            int f = FeaturesPerStep;
            string where = row >= 0 ? $"Column '{Name}', row {row}" : $"Column '{Name}'";
            if (!Fits(length))
                throw ectx.Except($"{where}: expected a {Expected}; found {length} values.");
            var values = new float[length];
            value.CopyTo(values);
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                    throw ectx.Except($"{where}: expected finite values; found {values[i]} at step {i / f}, feature {i % f}.");
            }
            return values;
        }
    }
}
