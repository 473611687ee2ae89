using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.ML.SeqAutoencoder.Benchmarks.Harness;
using Microsoft.ML.SeqAutoencoder.Native;
using Microsoft.ML.SeqAutoencoder.Torch;
using Microsoft.ML.SeqAutoencoder.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.SeqAutoencoder.Benchmarks.Allocator
{
    /// <summary>
    /// The measuring side of the allocator benchmark, run in a fresh process per setting and shape. It trains
    /// through the library's real <see cref="AutoencoderTrainer"/> and times every training step.
    /// </summary>
    /// <remarks>
    /// A step is the time from one call of the trainer's per-batch hook (<c>checkAlive</c>, called before each
    /// batch) to the next, or to the end-of-epoch progress callback for an epoch's last batch. That covers
    /// building the batch tensor, zero_grad, forward and loss, backward, gradient clipping, Adam's step and
    /// reading the loss; an epoch's last step also includes the best-weights snapshot (a copy of the
    /// weights, microseconds). Between epochs only the reshuffle is left out. No validation split.
    /// </remarks>
    internal static class AllocatorChild
    {
        /// <summary>Adam's learning rate.</summary>
        private const double LearningRate = 1e-3;

        /// <summary>Gradient clipping norm; on, so its cost is part of every step as it is for users who clip.</summary>
        private const double GradientClipNorm = 1.0;

        /// <summary>Seconds of training after which a busy machine ends the run early.</summary>
        private const double BusyCheckSeconds = 2;

        /// <summary>
        /// Trains <paramref name="shape"/> for at least <paramref name="warmup"/> + <paramref name="steps"/>
        /// batches (whole epochs of <see cref="BenchmarkShape.BatchesPerEpoch"/> batches; extra batches are not
        /// timed) and returns the measurements. When <paramref name="abortOtherCpu"/> is positive and other
        /// processes use more than that many cores on average once training has run for a while, the run stops
        /// early and says so: its figures would be worthless anyway.
        /// </summary>
        public static AllocatorChildResult Run(BenchmarkShape shape, int warmup, int steps, int seed, double abortOtherCpu)
        {
            double loadAtStart = MachineInfo.LoadAverage().One;
            int torchThreads = get_num_threads();
            SequenceSet data = RandomSequences(shape, seed);
            var architecture = new AutoencoderArchitecture(new EncoderShape(shape.Features, new[] { shape.Hidden }, shape.Hidden, Dropout: 0),
                SequenceAutoencoderMode.Reconstruction, predictionLength: 0, reverseReconstruction: true, conditionalDecoder: false);
            int epochs = (warmup + steps + BenchmarkShape.BatchesPerEpoch - 1) / BenchmarkShape.BatchesPerEpoch;
            var settings = new TrainingSettings(epochs, shape.BatchSize, GradientClipNorm, ValidationFraction: 0, EarlyStoppingPatience: 0, Seed: seed);

            ProcessCounters beforeTraining = ProcessCounters.Read();
            var timer = new StepTimer();
            ProcessCounters timedStart = default;
            ProcessCounters timedEnd = default;
            void StepEnded()
            {
                if (timer.Milliseconds.Count == warmup + steps)
                    timedEnd = ProcessCounters.Read();
            }
            void BeforeBatch()
            {
                if (timer.Stop())
                    StepEnded();
                if (abortOtherCpu > 0)
                    ThrowIfBusy(beforeTraining, abortOtherCpu);
                if (timer.Milliseconds.Count == warmup)
                    timedStart = ProcessCounters.Read();
                timer.Start();
            }
            void EpochEnded(EpochProgress progress)
            {
                if (timer.Stop())
                    StepEnded();
            }

            var trainer = new AutoencoderTrainer(architecture, settings, LearningRate, SequenceAutoencoderOptions.Defaults.TeacherStepDropout);
            SequenceAutoencoderModel model;
            try
            {
                model = trainer.Train(data, null, EpochEnded, BeforeBatch);
            }
            catch (BusyMachineException e)
            {
                return new AllocatorChildResult { Shape = shape.Name, AbortedBusy = true, TimedOtherCpuCores = e.OtherCores };
            }
            using (model)
            {
                double loadAtEnd = MachineInfo.LoadAverage().One;
                ProcessCounters afterTraining = ProcessCounters.Read();
                HeapInfo heap = NativeHeap.Info();
                NativeHeap.Trim();
                ProcessCounters afterTrim = ProcessCounters.Read();
                if (timer.Milliseconds.Count < warmup + steps)
                    throw new InvalidOperationException($"Only {timer.Milliseconds.Count} steps ran; {warmup + steps} were needed.");

                return new AllocatorChildResult
                {
                    Shape = shape.Name,
                    AllocatorState = NativeAllocator.State.ToString(),
                    GlibcTunables = Environment.GetEnvironmentVariable(AllocatorSetting.GlibcTunables),
                    TorchThreads = torchThreads,
                    WarmupMilliseconds = timer.Milliseconds.Take(warmup).ToArray(),
                    StepMilliseconds = timer.Milliseconds.Skip(warmup).Take(steps).ToArray(),
                    TimedMinorFaults = timedEnd.MinorFaults - timedStart.MinorFaults,
                    TimedUserCpuMilliseconds = (timedEnd.UserTime - timedStart.UserTime).TotalMilliseconds,
                    TimedKernelCpuMilliseconds = (timedEnd.KernelTime - timedStart.KernelTime).TotalMilliseconds,
                    TimedOtherCpuCores = ProcessCounters.OtherCores(timedStart, timedEnd),
                    RssBeforeTrainingKiB = beforeTraining.RssKiB,
                    PeakRssKiB = afterTraining.PeakRssKiB,
                    EndRssKiB = afterTraining.RssKiB,
                    TrimmedRssKiB = afterTrim.RssKiB,
                    HeapBytes = heap?.HeapBytes ?? -1,
                    HeapFreeBytes = heap?.HeapFreeBytes ?? -1,
                    MmappedBytes = heap?.MmappedBytes ?? -1,
                    LoadAtStart = loadAtStart,
                    LoadAtEnd = loadAtEnd,
                };
            }
        }

        private static void ThrowIfBusy(ProcessCounters since, double maxCores)
        {
            ProcessCounters now = ProcessCounters.Read();
            if (Stopwatch.GetElapsedTime(since.Timestamp, now.Timestamp).TotalSeconds < BusyCheckSeconds)
                return;
            double other = ProcessCounters.OtherCores(since, now);
            if (other > maxCores)
                throw new BusyMachineException(other);
        }

        private static SequenceSet RandomSequences(BenchmarkShape shape, int seed)
        {
            var set = new SequenceSet(shape.Features);
            foreach (float[] row in shape.RandomRows(seed))
                set.Add(row);
            return set;
        }

        /// <summary>Ends a run early: other processes are using the CPU.</summary>
        private sealed class BusyMachineException : Exception
        {
            public BusyMachineException(double otherCores)
                : base($"Other processes used {otherCores:F2} cores.")
            {
                OtherCores = otherCores;
            }

            public double OtherCores { get; }
        }
    }
}
