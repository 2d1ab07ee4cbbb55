using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class MultiKrumTests
{
    [Fact]
    public void Aggregate_MixedDtypes_AveragesTheMBestByNaiveScores()
    {
        var set = Deltas.Mixed();
        var global = Deltas.Random(set, 1);
        var deltas = Enumerable.Range(0, 7).Select(i => (IReadOnlyList<TensorRecord>)Deltas.Random(set, 60 + i, 0.05f + 0.02f * i)).ToArray();

        var outcome = SiteResults.Aggregate(new MultiKrum(new Dictionary<string, string> { ["f"] = "2", ["m"] = "3" }), 1,
            new GlobalAdapter(set, global), deltas.Select((d, i) => (d, 9L + 31 * i)).ToArray());

        var chosen = KrumTests.NaiveKrumOrder(deltas, f: 2).Take(3).Select(i => deltas[i]).ToArray();
        NaiveFedAvg.AssertMatches(SiteResults.PerElement(global, chosen, c => c.Average()), outcome.NewGlobal!);
    }

    [Theory]
    [InlineData(100f)]
    [InlineData(-1f)]
    public void Aggregate_OneOfFiveSitesAttacks_AveragesExactlyTheHonestFour(float factor)
    {
        var (_, global, results, honestMean) = SiteResults.Attack(x => x * factor);

        var robust = SiteResults.RelativeError(global, new MultiKrum().AggregateTrain(1, global, results, []), honestMean);
        var plain = SiteResults.RelativeError(global, new FedAvg().AggregateTrain(1, global, results, []), honestMean);

        Assert.True(robust < 1e-4, $"Multi-Krum is {robust:P3} off the honest mean");
        Assert.True(plain > 0.3, $"FedAvg is only {plain:P1} off the honest mean");
    }

    [Fact]
    public void SelectedCount_DefaultIsNMinusF()
    {
        Assert.Equal(4, new MultiKrum().SelectedCount(5));
        Assert.Equal(2, new MultiKrum(new Dictionary<string, string> { ["m"] = "2" }).SelectedCount(5));
    }

    [Fact]
    public void Aggregate_MLargerThanResults_FailsSayingSo()
    {
        var (_, global, results, _) = SiteResults.Attack(x => x);

        var outcome = new MultiKrum(new Dictionary<string, string> { ["m"] = "6" }).AggregateTrain(2, global, results, []);

        Assert.Equal("round 2: multikrum m=6 exceeds the 5 results received; lower m or raise min_sites", outcome.FailureReason);
    }
}
