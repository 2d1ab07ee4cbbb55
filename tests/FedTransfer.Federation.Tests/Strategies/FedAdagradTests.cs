using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Strategies;

public class FedAdagradTests
{
    [Fact]
    public void Aggregate_TwoRoundsUnequalWeights_MatchesAlgorithm2Reference()
    {
        var strategy = new FedAdagrad(new Dictionary<string, string> { ["eta"] = "0.05", ["beta1"] = "0.6", ["tau"] = "0.02" });

        NaiveAdaptive.AssertTwoRoundsMatch(strategy, 0.05, 0.6, 0, 0.02, (v, d2, _) => v + d2);
    }

    [Fact]
    public void SecondMoment_Accumulates()
    {
        Assert.Equal(1.25, FedAdagrad.SecondMoment(1.0, 0.25, 0.99), 12);
    }

    [Fact]
    public void Create_Beta2_IsRejectedBecauseAdagradHasNone()
    {
        var e = Assert.Throws<ArgumentException>(() => new FedAdagrad(new Dictionary<string, string> { ["beta2"] = "0.99" }));

        Assert.Contains("unknown fedadagrad setting 'beta2'", e.Message);
    }
}
