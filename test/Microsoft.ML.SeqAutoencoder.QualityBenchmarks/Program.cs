using System;
using System.Linq;

namespace Microsoft.ML.SeqAutoencoder.QualityBenchmarks
{
    /// <summary>
    /// Runs one quality benchmark by name:
    /// <c>smap [--channels A-1,E-1] [--quick]</c>, <c>ucr</c>, <c>ucr-finetune [--seeds 1,2,3]</c> or <c>selfcheck</c> (the metric self-checks only).
    /// </summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length == 0)
                return Usage();
            try
            {
                DetectionMetrics.SelfCheck();
                string[] rest = args.Skip(1).ToArray();
                switch (args[0])
                {
                    case "smap":
                        return SmapBenchmark.Run(rest);
                    case "ucr":
                        return UcrBenchmark.Run(rest);
                    case "ucr-finetune":
                        return UcrFineTuneBenchmark.Run(rest);
                    case "selfcheck":
                        Console.WriteLine("Metric self-checks passed.");
                        return 0;
                    default:
                        return Usage();
                }
            }
            catch (BenchmarkSetupException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        }

        private static int Usage()
        {
            Console.Error.WriteLine("Usage: Microsoft.ML.SeqAutoencoder.QualityBenchmarks smap [--channels A-1,E-1] [--quick] | ucr | ucr-finetune [--seeds 1,2,3] | selfcheck");
            return 1;
        }
    }
}
