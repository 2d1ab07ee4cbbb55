using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class CoordinateMedianTests
{
    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Aggregate_MixedDtypes_MatchesNaiveMedianAndIgnoresClaimedWeights(int sites)
    {
        var set = Deltas.Mixed();
        var global = Deltas.Random(set, 1);
        var deltas = Enumerable.Range(0, sites).Select(i => (IReadOnlyList<TensorRecord>)Deltas.Random(set, 20 + i, 0.1f)).ToArray();

        var weighted = SiteResults.Aggregate(new CoordinateMedian(), 1, new GlobalAdapter(set, global), deltas.Select((d, i) => (d, 1L + 1000 * i)).ToArray());
        var equal = SiteResults.Aggregate(new CoordinateMedian(), 1, new GlobalAdapter(set, global), deltas.Select(d => (d, 1L)).ToArray());

        NaiveFedAvg.AssertMatches(SiteResults.PerElement(global, deltas, Median), weighted.NewGlobal!);
        Assert.Equal(equal.NewGlobal!.Select(t => t.Data.ToArray()), weighted.NewGlobal!.Select(t => t.Data.ToArray()));
        Assert.Empty(weighted.ServerState);
    }

    [Theory]
    [InlineData(100f)]
    [InlineData(-1f)]
    public void Aggregate_OneOfFiveSitesAttacks_StaysNearHonestMeanWhileFedAvgDoesNot(float factor)
    {
        var (_, global, results, honestMean) = SiteResults.Attack(x => x * factor);

        var robust = SiteResults.RelativeError(global, new CoordinateMedian().AggregateTrain(1, global, results, []), honestMean);
        var plain = SiteResults.RelativeError(global, new FedAvg().AggregateTrain(1, global, results, []), honestMean);

        Assert.True(robust < 0.1, $"median is {robust:P1} off the honest mean");
        Assert.True(plain > 0.3, $"FedAvg is only {plain:P1} off the honest mean");
    }

    [Fact]
    public void Aggregate_EvenCount_AveragesTheMiddleTwo()
    {
        var output = new float[1];

        CoordinateMedian.Aggregate([[4f], [1f], [100f], [2f]], output);

        Assert.Equal(3f, output[0]);
    }

    [Fact]
    public void Create_UnknownSetting_Throws()
    {
        Assert.Throws<ArgumentException>(() => new CoordinateMedian(new Dictionary<string, string> { ["server_lr"] = "2" }));
    }

    private static double Median(double[] column)
    {
        var sorted = column.Order().ToArray();
        var n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
