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
    /// </summary>
    /// <remarks>
    /// Rows file: int32 count, int32 values per row, then count × values floats (one known-size vector column).
    /// Output file: for each requested column, int32 values per row, then count × values floats (Single
    /// columns are written as one value per row).
    /// </remarks>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length < 5 || args[0] != "score")
            {
                Console.Error.WriteLine("usage: score <model.zip> <rows.bin> <out.bin> <inputColumn> <outputColumn>...");
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

        private sealed class Row
        {
            public float[] Values { get; set; }
        }
    }
}
