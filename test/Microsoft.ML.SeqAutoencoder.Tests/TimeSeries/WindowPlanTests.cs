using Microsoft.ML.SeqAutoencoder.TimeSeries;
using Xunit;

namespace Microsoft.ML.SeqAutoencoder.Tests.TimeSeries
{
    /// <summary>How training rows split into training and held-out windows.</summary>
    public sealed class WindowPlanTests
    {
        [Theory]
        // rows, W, stride, hold-out, windows, held out, training
        [InlineData(7, 8, 1, 0.2, 0, 0, 0)]
        [InlineData(8, 8, 1, 0.2, 1, 1, 0)]
        [InlineData(16, 8, 1, 0.2, 9, 2, 0)]
        [InlineData(17, 8, 1, 0.2, 10, 2, 1)]
        [InlineData(1000, 16, 1, 0.2, 985, 197, 773)]
        [InlineData(100, 10, 5, 0.25, 19, 5, 13)]
        [InlineData(100, 10, 3, 0.5, 31, 16, 12)]
        public void TrainingWindowsEndBeforeTheFirstHeldOutWindow(long rows, int w, int stride, double holdOut,
            int windows, int heldOut, int training)
        {
            var plan = WindowPlan.For(rows, w, stride, holdOut);
            Assert.Equal(new WindowPlan(windows, heldOut, training), plan);
            if (training > 0)
            {
                long lastTrainingEnd = (long)(training - 1) * stride + w;
                long firstHeldOutStart = (long)(windows - heldOut) * stride;
                Assert.True(lastTrainingEnd <= firstHeldOutStart);
                Assert.True(lastTrainingEnd + stride > firstHeldOutStart, "a training window was left out");
            }
        }

        [Theory]
        [InlineData(8, 1, 0.2, 17)]
        [InlineData(16, 1, 0.2, 35)]
        [InlineData(10, 5, 0.25, 20)]
        public void MinimumRowsIsTheFirstCountWithATrainingWindow(int w, int stride, double holdOut, long minimum)
        {
            Assert.Equal(minimum, WindowPlan.MinimumRows(w, stride, holdOut));
            Assert.Equal(1, WindowPlan.For(minimum, w, stride, holdOut).TrainingWindows);
            Assert.Equal(0, WindowPlan.For(minimum - 1, w, stride, holdOut).TrainingWindows);
        }
    }
}
