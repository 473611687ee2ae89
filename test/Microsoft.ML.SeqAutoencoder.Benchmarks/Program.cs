using System;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Allocator;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Harness;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks
{
    /// <summary>
    /// Entry point: <c>dotnet run -c Release --project test/Microsoft.ML.SeqAutoencoder.Benchmarks -- &lt;benchmark&gt; [options]</c>.
    /// </summary>
    internal static class Program
    {
        private static readonly IBenchmark[] _benchmarks = new IBenchmark[]
        {
            new AllocatorBenchmark(),
            new Speed.SpeedBenchmark(),
            new Speed.ContentionBenchmark(),
            new Speed.OneRowBenchmark(),
            new MultiPass.MultiPassBenchmark(),
            new Onnx.OnnxScoringBenchmark(),
            new Memory.FitMemoryBenchmark(),
        }.Concat(Quality.QualityBenchmark.All).ToArray();

        private static int Main(string[] args)
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help" or "list")
            {
                PrintUsage();
                return args.Length == 0 ? 2 : 0;
            }

            IBenchmark benchmark = _benchmarks.FirstOrDefault(b => b.Name.Equals(args[0], StringComparison.OrdinalIgnoreCase));
            if (benchmark is null)
            {
                Console.Error.WriteLine($"Unknown benchmark '{args[0]}'.");
                PrintUsage();
                return 2;
            }

            BenchmarkArguments arguments;
            try
            {
                arguments = new BenchmarkArguments(args.Skip(1).ToArray());
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(benchmark.Usage);
                return 2;
            }
            if (arguments.Flag("help"))
            {
                Console.WriteLine(benchmark.Usage);
                return 0;
            }
            try
            {
                return benchmark.Run(arguments);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(benchmark.Usage);
                return 2;
            }
        }

        private static void PrintUsage()
        {
            Console.WriteLine("Usage: dotnet run -c Release --project test/Microsoft.ML.SeqAutoencoder.Benchmarks -- <benchmark> [options]");
            Console.WriteLine("       ... -- <benchmark> --help");
            Console.WriteLine();
            Console.WriteLine("Benchmarks:");
            foreach (IBenchmark benchmark in _benchmarks)
                Console.WriteLine($"  {benchmark.Name,-12} {benchmark.Description}");
        }
    }
}
