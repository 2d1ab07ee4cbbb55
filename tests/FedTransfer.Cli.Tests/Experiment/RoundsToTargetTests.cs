using FedTransfer.Cli.Experiment;

namespace FedTransfer.Cli.Tests.Experiment;

public sealed class RoundsToTargetTests
{
    [Fact]
    public void Compute_RisingCurve_FirstRoundAtOrAbove95PercentOfFinal()
    {
        // 95 % of 0.80 is 0.76: round 3 (0.75) is short of it, round 4 (0.77) reaches it.
        var rounds = RoundsToTarget.Compute([0.40, 0.70, 0.75, 0.77, 0.79, 0.80]);

        Assert.Equal(4, rounds);
    }

    [Fact]
    public void Compute_ExactlyAtTarget_Counts()
    {
        Assert.Equal(2, RoundsToTarget.Compute([0.5, 0.95, 1.0]));
    }

    [Fact]
    public void Compute_PeakThenDrop_MeasuresAgainstTheFinalValue()
    {
        // The final accuracy (0.6) is the reference, so the early peak already counts at round 1.
        Assert.Equal(1, RoundsToTarget.Compute([0.9, 0.8, 0.6]));
    }

    [Fact]
    public void Compute_OtherFraction_UsesIt()
    {
        Assert.Equal(3, RoundsToTarget.Compute([0.2, 0.4, 0.5, 0.5], fraction: 1.0));
    }

    [Fact]
    public void Compute_SingleRound_IsRoundOne()
    {
        Assert.Equal(1, RoundsToTarget.Compute([0.3]));
    }

    [Theory]
    [InlineData(new double[0], 0.95, "empty")]
    [InlineData(new[] { 0.5, double.NaN }, 0.95, "non-finite")]
    [InlineData(new[] { 0.5 }, 0.0, "fraction")]
    public void Compute_BadInput_SaysWhat(double[] curve, double fraction, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => RoundsToTarget.Compute(curve, fraction));

        Assert.Contains(expected, error.Message);
    }
}
