using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Strategies;

public class FedYogiTests
{
    [Fact]
    public void Aggregate_TwoRoundsUnequalWeights_MatchesAlgorithm2Reference()
    {
        var strategy = new FedYogi(new Dictionary<string, string> { ["eta"] = "0.02", ["beta1"] = "0.5", ["beta2"] = "0.9", ["tau"] = "0.005" });

        NaiveAdaptive.AssertTwoRoundsMatch(strategy, 0.02, 0.5, 0.9, 0.005, (v, d2, b2) => v - (1 - b2) * d2 * Math.Sign(v - d2));
    }

    [Fact]
    public void SecondMoment_GrowsTowardsLargerSquares_AndShrinksAdditively()
    {
        Assert.Equal(1.0 + 0.1 * 4.0, FedYogi.SecondMoment(1.0, 4.0, 0.9), 12);   // v < Δ²: v rises by (1−β₂)Δ²
        Assert.Equal(4.0 - 0.1 * 1.0, FedYogi.SecondMoment(4.0, 1.0, 0.9), 12);   // v > Δ²: v falls by (1−β₂)Δ², not by a factor
    }

    [Fact]
    public void Create_UnknownSetting_ThrowsListingKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => new FedYogi(new Dictionary<string, string> { ["lr"] = "1" }));

        Assert.Contains("eta, beta1, beta2, tau", e.Message);
    }
}
