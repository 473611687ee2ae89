using System;
using System.IO;
using System.Linq;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Microsoft.ML.SeqAutoencoder.TestHelper
{
    /// <summary>
    /// <c>score &lt;model.zip&gt; &lt;rows.bin&gt; &lt;out.bin&gt; &lt;inputColumn&gt; &lt;outputColumn&gt;...</c>: loads the model in
    /// this fresh process, transforms the rows and writes the requested output columns.
    /// <c>series &lt;model.zip&gt; &lt;values.bin&gt; &lt;out.bin&gt; &lt;inputColumn&gt; &lt;outputColumn&gt;</c>: the same for a
    /// time series, one Single per row, and one vector-of-Double output column.
    /// <c>noise &lt;bytes&gt;</c>: writes that many bytes to standard error, then "done" to standard output (tests the runner's pipes).
    /// <c>omp &lt;model.zip&gt; [value]</c>: sets OMP_WAIT_POLICY to value in code (Environment.SetEnvironmentVariable) when
    /// given, loads the model, then prints the native environment's OMP_WAIT_POLICY ("(unset)" when none).
    /// </summary>
    /// <remarks>
    /// Rows file: int32 count, int32 values per row, then count × values floats (one known-size vector column).
    /// Output file: for each requested column, int32 values per row, then count × values floats (Single
    /// columns are written as one value per row, key columns as their UInt32 value converted to float).
    /// Series values file: int32 count, then count floats. Series output file: int32 count, int32 values per
    /// row, then count × values doubles.
    /// </remarks>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length == 2 && args[0] == "noise")
            {
                Console.Error.Write(new string('e', int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)));
                Console.Out.WriteLine("done");
                return 0;
            }
            if (args.Length is 2 or 3 && args[0] == "omp")
            {
                if (args.Length == 3)
                    Environment.SetEnvironmentVariable("OMP_WAIT_POLICY", args[2]);
                new MLContext(seed: 0).Model.Load(args[1], out _);
                Console.Out.WriteLine(NativeEnvironment("OMP_WAIT_POLICY") ?? "(unset)");
                return 0;
            }
            if (args.Length == 6 && args[0] == "series")
                return ScoreSeries(args[1], args[2], args[3], args[4], args[5]);
            if (args.Length < 5 || args[0] != "score")
            {
                Console.Error.WriteLine("usage: score <model.zip> <rows.bin> <out.bin> <inputColumn> <outputColumn>...");
                Console.Error.WriteLine("       series <model.zip> <values.bin> <out.bin> <inputColumn> <outputColumn>");
                return 2;
            }
            var mlContext = new MLContext(seed: 0);
            ITransformer model = mlContext.Model.Load(args[1], out _);
            float[][] rows = ReadRows(args[2]);
            var definition = SchemaDefinition.Create(typeof(Row));
            var inputColumn = definition[nameof(Row.Values)];
            inputColumn.ColumnName = args[4];
            inputColumn.ColumnType = new VectorDataViewType(NumberDataViewType.Single, rows[0].Length);
            IDataView data = mlContext.Data.LoadFromEnumerable(rows.Select(r => new Row { Values = r }), definition);
            IDataView scored = model.Transform(data);

            using var output = new BinaryWriter(File.Create(args[3]));
            foreach (string name in args.Skip(5))
            {
                var column = scored.Schema[name];
                if (column.Type is VectorDataViewType)
                {
                    var values = scored.GetColumn<VBuffer<float>>(column).Select(v => v.DenseValues().ToArray()).ToArray();
                    output.Write(values[0].Length);
                    foreach (float[] v in values)
                        foreach (float x in v)
                            output.Write(x);
                }
                else if (column.Type is KeyDataViewType)
                {
                    // A key column (a multiclass PredictedLabel): its raw UInt32 values, written as floats.
                    var values = scored.GetColumn<uint>(column).ToArray();
                    output.Write(1);
                    foreach (uint x in values)
                        output.Write((float)x);
                }
                else
                {
                    var values = scored.GetColumn<float>(column).ToArray();
                    output.Write(1);
                    foreach (float x in values)
                        output.Write(x);
                }
            }
            return 0;
        }

        private static int ScoreSeries(string modelPath, string valuesPath, string outPath, string inputName, string outputName)
        {
            var mlContext = new MLContext(seed: 0);
            ITransformer model = mlContext.Model.Load(modelPath, out _);
            float[] values;
            using (var reader = new BinaryReader(File.OpenRead(valuesPath)))
            {
                values = new float[reader.ReadInt32()];
                for (int i = 0; i < values.Length; i++)
                    values[i] = reader.ReadSingle();
            }
            var definition = SchemaDefinition.Create(typeof(Step));
            definition[nameof(Step.Value)].ColumnName = inputName;
            IDataView data = mlContext.Data.LoadFromEnumerable(values.Select(v => new Step { Value = v }), definition);
            IDataView scored = model.Transform(data);
            double[][] outputs = scored.GetColumn<VBuffer<double>>(scored.Schema[outputName]).Select(v => v.DenseValues().ToArray()).ToArray();

            using var output = new BinaryWriter(File.Create(outPath));
            output.Write(outputs.Length);
            output.Write(outputs.Length == 0 ? 0 : outputs[0].Length);
            foreach (double[] row in outputs)
                foreach (double x in row)
                    output.Write(x);
            return 0;
        }

        private static float[][] ReadRows(string path)
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            int count = reader.ReadInt32();
            int length = reader.ReadInt32();
            var rows = new float[count][];
            for (int i = 0; i < count; i++)
            {
                rows[i] = new float[length];
                for (int k = 0; k < length; k++)
                    rows[i][k] = reader.ReadSingle();
            }
            return rows;
        }

        private sealed class Step
        {
            public float Value { get; set; }
        }

        private sealed class Row
        {
            public float[] Values { get; set; }
        }

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getenv")]
        private static extern IntPtr GetEnv(string name);

        // What libgomp would read: the process's native environment (not .NET's copy of it).
        private static string NativeEnvironment(string name)
        {
            IntPtr value = GetEnv(name);
            return value == IntPtr.Zero ? null : System.Runtime.InteropServices.Marshal.PtrToStringUTF8(value);
        }
    }
}
