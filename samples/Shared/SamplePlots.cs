using System;
using System.Linq;
using ScottPlot;

namespace Microsoft.ML.SeqAutoencoder.Samples
{
    /// <summary>Small helpers over ScottPlot shared by the samples.</summary>
    internal static class SamplePlots
    {
        /// <summary>0, 1, ..., n − 1 as doubles, for x axes.</summary>
        public static double[] Steps(int n, int start = 0) => Enumerable.Range(start, n).Select(i => (double)i).ToArray();

        public static double[] ToDoubles(this float[] values) => Array.ConvertAll(values, v => (double)v);

        /// <summary>Saves the figure as PNG and prints where.</summary>
        public static void Save(Multiplot figure, string path, int width, int height)
        {
            figure.SavePng(path, width, height);
            Console.WriteLine($"Plot written to {path}");
        }

        public static void Save(Plot plot, string path, int width, int height)
        {
            plot.SavePng(path, width, height);
            Console.WriteLine($"Plot written to {path}");
        }
    }
}
