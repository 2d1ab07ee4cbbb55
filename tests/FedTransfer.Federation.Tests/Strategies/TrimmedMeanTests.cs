using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class TrimmedMeanTests
{
    [Fact]
    public void Aggregate_MixedDtypes_MatchesNaiveTrimmedMeanAndIgnoresClaimedWeights()
    {
        var set = Deltas.Mixed();
        var global = Deltas.Random(set, 1);
        var deltas = Enumerable.Range(0, 7).Select(i => (IReadOnlyList<TensorRecord>)Deltas.Random(set, 30 + i, 0.1f)).ToArray();
        var strategy = new TrimmedMean(new Dictionary<string, string> { ["beta"] = "0.3" }); // ⌊0.3·7⌋ = 2 each end

        var weighted = SiteResults.Aggregate(strategy, 1, new GlobalAdapter(set, global), deltas.Select((d, i) => (d, 5L + 77 * i)).ToArray());
        var equal = SiteResults.Aggregate(strategy, 1, new GlobalAdapter(set, global), deltas.Select(d => (d, 1L)).ToArray());

        NaiveFedAvg.AssertMatches(SiteResults.PerElement(global, deltas, c => c.Order().Skip(2).Take(3).Average()), weighted.NewGlobal!);
        Assert.Equal(equal.NewGlobal!.Select(t => t.Data.ToArray()), weighted.NewGlobal!.Select(t => t.Data.ToArray()));
    }

    [Theory]
    [InlineData(100f)]
    [InlineData(-1f)]
    public void Aggregate_OneOfFiveSitesAttacks_StaysNearHonestMeanWhileFedAvgDoesNot(float factor)
    {
        var (_, global, results, honestMean) = SiteResults.Attack(x => x * factor);

        var robust = SiteResults.RelativeError(global, new TrimmedMean().AggregateTrain(1, global, results, []), honestMean);
        var plain = SiteResults.RelativeError(global, new FedAvg().AggregateTrain(1, global, results, []), honestMean);

        Assert.True(robust < 0.1, $"trimmed mean is {robust:P1} off the honest mean");
        Assert.True(plain > 0.3, $"FedAvg is only {plain:P1} off the honest mean");
    }

    [Theory]
    [InlineData(5, 0.2, 1)]
    [InlineData(5, 0.1, 0)]
    [InlineData(10, 0.3, 3)]
    [InlineData(3, 0.49, 1)]
    public void TrimCount_IsFloorOfBetaN(int n, double beta, int expected)
    {
        Assert.Equal(expected, TrimmedMean.TrimCount(n, beta));
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("-0.1")]
    public void Create_BetaOutOfRange_ThrowsNamingIt(string beta)
    {
        var e = Assert.Throws<ArgumentException>(() => new TrimmedMean(new Dictionary<string, string> { ["beta"] = beta }));

        Assert.Contains("'beta'", e.Message);
    }
}
