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
        // A stride above 1 trains on every S-th window but scores every window of the held-out rows.
        [InlineData(100, 10, 5, 0.25, 19, 21, 13)]
        [InlineData(100, 10, 3, 0.5, 31, 46, 12)]
        [InlineData(1000, 16, 4, 0.2, 247, 193, 195)]
        public void TrainingWindowsEndBeforeTheFirstHeldOutWindow(long rows, int w, int stride, double holdOut,
            int windows, int heldOut, int training)
        {
            var plan = WindowPlan.For(rows, w, stride, holdOut);
            Assert.Equal((windows, heldOut, training), (plan.Windows, plan.HeldOutWindows, plan.TrainingWindows));
            if (windows > 0)
                Assert.Equal(rows, plan.FirstHeldOutRow + plan.HeldOutWindows + w - 1);
            if (training > 0)
            {
                long lastTrainingEnd = (long)(training - 1) * stride + w;
                Assert.True(lastTrainingEnd <= plan.FirstHeldOutRow);
                Assert.True(lastTrainingEnd + stride > plan.FirstHeldOutRow, "a training window was left out");
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
