using FedTransfer.Models.Training;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Training;

public sealed class CosineScheduleTests
{
    [Fact]
    public void At_WarmupThenCosine_HitsPeakAndFloor()
    {
        var schedule = new CosineSchedule(peak: 1.0, totalSteps: 110, warmupSteps: 10, minFactor: 0.1);

        Assert.Equal(0.1, schedule.At(0), 9);
        Assert.Equal(1.0, schedule.At(9), 9);
        Assert.Equal(1.0, schedule.At(10), 9);
        Assert.Equal(0.55, schedule.At(60), 9);
        Assert.Equal(0.1, schedule.At(110), 9);
        Assert.Equal(0.1, schedule.At(500), 9);
    }

    [Fact]
    public void Constructor_WarmupLongerThanRun_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1.0, totalSteps: 5, warmupSteps: 6));
    }
}
