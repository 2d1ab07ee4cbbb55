using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Strategies;

public class FedAdamTests
{
    [Fact]
    public void Aggregate_TwoRoundsUnequalWeights_MatchesAlgorithm2Reference()
    {
        var strategy = new FedAdam(new Dictionary<string, string> { ["eta"] = "0.03", ["beta1"] = "0.8", ["beta2"] = "0.95", ["tau"] = "0.01" });

        NaiveAdaptive.AssertTwoRoundsMatch(strategy, 0.03, 0.8, 0.95, 0.01, (v, d2, b2) => b2 * v + (1 - b2) * d2);
    }

    [Fact]
    public void Create_Defaults_AreThePapersRecommendedOnes()
    {
        var s = new FedAdam().Settings;

        Assert.Equal((0.01, 0.9, 0.99, 1e-3, true), (s.Eta, s.Beta1, s.Beta2, s.Tau, s.AcceptFailures));
    }

    [Theory]
    [InlineData("beta2", "1")]
    [InlineData("tau", "0")]
    [InlineData("eta", "-0.1")]
    [InlineData("momentum", "0.9")]
    public void Create_InvalidSetting_ThrowsNamingIt(string key, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => new FedAdam(new Dictionary<string, string> { [key] = value }));

        Assert.Contains($"'{key}'", e.Message);
    }
}
