using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class KrumTests
{
    [Fact]
    public void Aggregate_MixedDtypes_PicksTheDeltaTheNaiveScoresPick()
    {
        var set = Deltas.Mixed();
        var global = Deltas.Random(set, 1);
        var deltas = Enumerable.Range(0, 6).Select(i => (IReadOnlyList<TensorRecord>)Deltas.Random(set, 40 + i, 0.05f + 0.02f * i)).ToArray();

        var outcome = SiteResults.Aggregate(new Krum(new Dictionary<string, string> { ["f"] = "1" }), 1, new GlobalAdapter(set, global), deltas.Select((d, i) => (d, 3L + 50 * i)).ToArray());

        var chosen = NaiveKrumOrder(deltas, f: 1)[0];
        NaiveFedAvg.AssertMatches(SiteResults.PerElement(global, [deltas[chosen]], c => c[0]), outcome.NewGlobal!);
    }

    [Theory]
    [InlineData(100f)]
    [InlineData(-1f)]
    public void Aggregate_OneOfFiveSitesAttacks_StaysNearHonestMeanWhileFedAvgDoesNot(float factor)
    {
        var (_, global, results, honestMean) = SiteResults.Attack(x => x * factor);

        var robust = SiteResults.RelativeError(global, new Krum().AggregateTrain(1, global, results, []), honestMean);
        var plain = SiteResults.RelativeError(global, new FedAvg().AggregateTrain(1, global, results, []), honestMean);

        Assert.True(robust < 0.1, $"Krum is {robust:P1} off the honest mean");
        Assert.True(plain > 0.3, $"FedAvg is only {plain:P1} off the honest mean");
    }

    [Fact]
    public void Aggregate_TooFewResultsForF_FailsNamingTheRule()
    {
        var (_, global, results, _) = SiteResults.Attack(x => x);

        var outcome = new Krum(new Dictionary<string, string> { ["f"] = "2" }).AggregateTrain(4, global, results, []);

        Assert.False(outcome.Succeeded);
        Assert.Equal("round 4: krum with f=2 needs more than 2f+2 = 6 results, got 5; lower f or raise min_sites so more sites report", outcome.FailureReason);
    }

    [Fact]
    public void Scores_SumTheNearestNMinusFMinus2SquaredDistances()
    {
        // Points on a line at 0, 1, 3, 10: squared distances.
        double[] p = [0, 1, 3, 10];
        var d = new double[4, 4];
        for (var i = 0; i < 4; i++) for (var j = 0; j < 4; j++) d[i, j] = (p[i] - p[j]) * (p[i] - p[j]);

        var scores = Krum.Scores(d, f: 0); // 2 nearest neighbours each

        Assert.Equal([1 + 9, 1 + 4, 4 + 9, 49 + 81], scores);
        Assert.Equal([1, 0], Krum.Select(scores, 2));
    }

    [Fact]
    public void Create_NegativeF_ThrowsNamingIt()
    {
        var e = Assert.Throws<ArgumentException>(() => new Krum(new Dictionary<string, string> { ["f"] = "-1" }));

        Assert.Contains("'f'", e.Message);
    }

    /// <summary>Site indices by Krum score over the whole flattened deltas, computed the slow obvious way.</summary>
    internal static int[] NaiveKrumOrder(IReadOnlyList<IReadOnlyList<TensorRecord>> deltas, int f)
    {
        var flat = deltas.Select(d => d.OrderBy(t => t.Name, StringComparer.Ordinal).SelectMany(t => t.ToSingles()).Select(v => (double)v).ToArray()).ToArray();
        var n = flat.Length;
        var scores = flat.Select((a, i) => flat.Where((_, j) => j != i).Select(b => a.Zip(b, (x, y) => (x - y) * (x - y)).Sum()).Order().Take(n - f - 2).Sum()).ToArray();
        return Enumerable.Range(0, n).OrderBy(i => scores[i]).ToArray();
    }
}
