using System;
using System.Collections.Generic;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.SeqAutoencoder.Torch;

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
            : $"vector of Single with a multiple of {FeaturesPerStep} values (whole steps of {FeaturesPerStep} features), " +
              $"at least {MinimumSteps} step{(MinimumSteps == 1 ? "" : "s")}";

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
        /// Reads the column of every row of <paramref name="data"/> into one <see cref="SequenceSet"/> whose last
        /// <paramref name="targetSteps"/> steps per row are its forecast target, checking each row (whole steps, enough of
        /// them, finite) and naming the row when one is not. When <paramref name="select"/> is given it is bound to the
        /// same cursor, with the columns <paramref name="alsoRead"/> active, and decides for each row whether it is kept
        /// (a classifier skips rows whose label is missing and records the label of the others). This is the one
        /// routine that reads a sequence column into memory.
        /// </summary>
        public SequenceSet ReadAll(IExceptionContext ectx, IDataView data, int targetSteps,
            IEnumerable<DataViewSchema.Column> alsoRead = null, Func<DataViewRow, Func<bool>> select = null)
        {
            int index = Check(ectx, data.Schema, out _);
            var set = new SequenceSet(FeaturesPerStep, targetSteps);
            var columns = new List<DataViewSchema.Column> { data.Schema[index] };
            if (alsoRead != null)
                columns.AddRange(alsoRead);
            using var cursor = data.GetRowCursor(columns);
            var getter = cursor.GetGetter<VBuffer<float>>(data.Schema[index]);
            Func<bool> keep = select?.Invoke(cursor);
            var value = default(VBuffer<float>);
            float[] scratch = null;
            while (cursor.MoveNext())
            {
                if (keep != null && !keep())
                    continue;
                getter(ref value);
                set.Add(Read(ectx, in value, cursor.Position, ref scratch));
            }
            return set;
        }

        /// <summary>
        /// Checks <paramref name="value"/> (whole steps, enough of them, all finite) and returns its values, densified into
        /// <paramref name="scratch"/> (grown when needed). <paramref name="row"/> is the row's position for the message, or
        /// negative when unknown.
        /// </summary>
        public ReadOnlySpan<float> Read(IExceptionContext ectx, in VBuffer<float> value, long row, ref float[] scratch)
        {
            int length = value.Length;
            int f = FeaturesPerStep;
            string where = row >= 0 ? $"Column '{Name}', row {row}" : $"Column '{Name}'";
            if (!Fits(length))
                throw ectx.Except($"{where}: expected a {Expected}; found {length} values.");
            if (scratch is null || scratch.Length < length)
                scratch = new float[Math.Max(length, scratch?.Length * 2 ?? 0)];
            var values = scratch.AsSpan(0, length);
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
