using FedTransfer.Cli.Experiment;

namespace FedTransfer.Cli.Tests.Experiment;

public sealed class MeanStdTests
{
    [Fact]
    public void Of_TwoValues_SampleStandardDeviation()
    {
        var s = MeanStd.Of([0.80, 0.90]);

        Assert.Equal(0.85, s.Mean, 12);
        Assert.Equal(Math.Sqrt(0.005), s.Std, 12); // ((0.05² + 0.05²) / (2 − 1))^½
        Assert.Equal(2, s.Count);
    }

    [Fact]
    public void Of_OneValue_ZeroSpread()
    {
        Assert.Equal(new MeanStd(0.7, 0, 1), MeanStd.Of([0.7]));
    }

    [Fact]
    public void Of_Nothing_NaN()
    {
        Assert.True(double.IsNaN(MeanStd.Of([]).Mean));
    }
}
