using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class FedProxTests
{
    private static readonly RoundSettings Settings = new(1.0, 2, new TrainConfig(1, 32, 1e-3, 0.0, Seed: 3));

    [Fact]
    public void ConfigureTrain_HandsMuToEverySite()
    {
        var sites = Enumerable.Range(0, 4).Select(i => new SiteCandidate($"s{i}", 10, 1)).ToArray();

        var plan = new FedProx(new Dictionary<string, string> { ["mu"] = "0.1" }).ConfigureTrain(1, sites, Settings);

        Assert.Equal(4, plan.Assignments.Count);
        Assert.All(plan.Assignments, a => Assert.Equal(0.1, a.Config.FedProxMu));
        Assert.Equal(new FedAvg().ConfigureTrain(1, sites, Settings).Assignments.Select(a => a.Config.Seed), plan.Assignments.Select(a => a.Config.Seed));
    }

    [Fact]
    public void Create_DefaultMu_IsPositive()
    {
        Assert.Equal(0.01, new FedProx().Mu);
    }

    [Fact]
    public void Aggregate_UnequalWeights_MatchesFedAvgReference()
    {
        var set = Deltas.Mixed();
        var global = Deltas.Random(set, 1);
        var sites = new[] { ((IReadOnlyList<TensorRecord>)Deltas.Random(set, 2, 0.05f), 7L), (Deltas.Random(set, 3, 0.05f), 300L), (Deltas.Random(set, 4, 0.05f), 41L) };

        var outcome = SiteResults.Aggregate(new FedProx(new Dictionary<string, string> { ["server_lr"] = "0.8" }), 1, new GlobalAdapter(set, global), sites);

        Assert.True(outcome.Succeeded, outcome.FailureReason);
        NaiveFedAvg.AssertMatches(NaiveFedAvg.Compute(global, sites, serverLr: 0.8), outcome.NewGlobal!);
    }

    [Theory]
    [InlineData("mu", "-1")]
    [InlineData("mu", "abc")]
    [InlineData("momentum", "0.9")]
    public void Create_InvalidSetting_ThrowsNamingIt(string key, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => new FedProx(new Dictionary<string, string> { [key] = value }));

        Assert.Contains($"'{key}'", e.Message);
    }
}
