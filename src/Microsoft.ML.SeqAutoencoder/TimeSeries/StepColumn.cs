using System;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace Microsoft.ML.SeqAutoencoder.TimeSeries
{
    /// <summary>
    /// The input column of a streaming detector: one row per time step, holding F features as a
    /// <see cref="float"/> (F = 1) or a known-sized vector of F <see cref="float"/> values. Checks schemas
    /// and reads rows, failing with messages that name the column, what was expected and what was found.
    /// </summary>
    internal sealed class StepColumn
    {
        public StepColumn(string name, int featuresPerStep, bool nonFiniteStepsAreAnomalies = false)
        {
            Name = name;
            FeaturesPerStep = featuresPerStep;
            NonFiniteStepsAreAnomalies = nonFiniteStepsAreAnomalies;
        }

        /// <summary>Whether readers report a step holding NaN or ∞ (return false) rather than throw.</summary>
        public bool NonFiniteStepsAreAnomalies { get; }

        public string Name { get; }

        public int FeaturesPerStep { get; }

        /// <summary>Features per step; 0 until the data says (any Single or known-size vector of Single fits then).</summary>
        private string Expected => FeaturesPerStep switch
        {
            0 => "Single or known-sized vector of Single",
            1 => "Single or vector of Single with 1 value",
            _ => $"vector of Single with {FeaturesPerStep} values",
        };

        /// <summary>Checks an estimator's input shape.</summary>
        public void Check(IExceptionContext ectx, SchemaShape inputSchema)
        {
            if (!inputSchema.TryFindColumn(Name, out var column))
                throw ectx.ExceptSchemaMismatch(nameof(inputSchema), "input", Name);
            bool scalar = column.Kind == SchemaShape.Column.VectorKind.Scalar;
            bool vector = column.Kind == SchemaShape.Column.VectorKind.Vector;
            if (column.ItemType != NumberDataViewType.Single || column.IsKey || !(vector || (scalar && FeaturesPerStep <= 1)))
                throw ectx.ExceptSchemaMismatch(nameof(inputSchema), "input", Name, Expected, column.GetTypeString());
        }

        /// <summary>Finds the column and checks its type; returns its index.</summary>
        public int Check(IExceptionContext ectx, DataViewSchema inputSchema)
        {
            var column = inputSchema.GetColumnOrNull(Name);
            if (column is null)
                throw ectx.ExceptSchemaMismatch(nameof(inputSchema), "input", Name);
            var type = column.Value.Type;
            bool fits = type is VectorDataViewType vector
                ? vector.ItemType == NumberDataViewType.Single && vector.Dimensions.Length == 1 && vector.Size == FeaturesPerStep
                : type == NumberDataViewType.Single && FeaturesPerStep == 1;
            if (!fits)
                throw ectx.ExceptSchemaMismatch(nameof(inputSchema), "input", Name, Expected, type.ToString());
            return column.Value.Index;
        }

        /// <summary>
        /// A reader of the current row of <paramref name="row"/> (whose schema was checked with
        /// <see cref="Check(IExceptionContext, DataViewSchema)"/>): copies its F values into the span it is given and returns
        /// whether they are all finite. A value that is not finite throws, naming the column, the row
        /// (<paramref name="position"/>) and the feature, unless <see cref="NonFiniteStepsAreAnomalies"/>: then the reader returns false.
        /// </summary>
        public StepReader CreateReader(IExceptionContext ectx, DataViewRow row, int index, Func<long> position)
        {
            bool lenient = NonFiniteStepsAreAnomalies;
            var column = row.Schema[index];
            if (column.Type is VectorDataViewType)
            {
                var getter = row.GetGetter<VBuffer<float>>(column);
                var buffer = default(VBuffer<float>);
                return step =>
                {
                    getter(ref buffer);
                    buffer.CopyTo(step);
                    return Finite(ectx, step, position, lenient);
                };
            }
            var scalar = row.GetGetter<float>(column);
            return step =>
            {
                float value = 0;
                scalar(ref value);
                step[0] = value;
                return Finite(ectx, step, position, lenient);
            };
        }

        private bool Finite(IExceptionContext ectx, ReadOnlySpan<float> step, Func<long> position, bool lenient)
        {
            foreach (float value in step)
            {
                if (!float.IsFinite(value))
                {
                    if (lenient)
                        return false;
                    CheckFinite(ectx, step, position());
                }
            }
            return true;
        }

        /// <summary>Throws when a value of <paramref name="step"/> is NaN or infinite; <paramref name="row"/> is its row, for the message.</summary>
        public void CheckFinite(IExceptionContext ectx, ReadOnlySpan<float> step, long row)
        {
            for (int i = 0; i < step.Length; i++)
            {
                if (!float.IsFinite(step[i]))
                {
                    throw ectx.Except(FeaturesPerStep == 1
                        ? $"Column '{Name}', row {row}: expected a finite value; found {step[i]}."
                        : $"Column '{Name}', row {row}: expected finite values; found {step[i]} at feature {i}.");
                }
            }
        }
    }

    /// <summary>Copies the current row's time step into <paramref name="step"/> (F values); returns whether they are finite.</summary>
    internal delegate bool StepReader(Span<float> step);
}
