using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class FedAvgMTests
{
    [Fact]
    public void Aggregate_TwoRoundsUnequalWeights_MatchesReferenceWithMomentumCarried()
    {
        var set = Deltas.Mixed();
        var strategy = new FedAvgM(new Dictionary<string, string> { ["momentum"] = "0.7", ["server_lr"] = "0.5" });
        var global = new GlobalAdapter(set, Deltas.Random(set, seed: 1));
        long[] examples = [12, 900, 85];
        var momentum = set.Tensors.ToDictionary(t => t.Name, t => new double[t.NumElements]);

        for (var round = 1; round <= 2; round++)
        {
            var deltas = Enumerable.Range(0, 3).Select(i => Deltas.Random(set, 10 * round + i, 0.05f)).ToArray();
            var outcome = SiteResults.Aggregate(strategy, round, global, deltas.Select((d, i) => ((IReadOnlyList<TensorRecord>)d, examples[i])).ToArray());

            Assert.True(outcome.Succeeded, outcome.FailureReason);
            var expected = global.Tensors.ToDictionary(g => g.Name, g =>
            {
                var mean = SiteResults.WeightedMean(SiteResults.Values(deltas, g.Name), examples.Select(e => (double)e).ToArray());
                var m = momentum[g.Name];
                var x = g.ToSingles().Select(v => (double)v).ToArray();
                for (var k = 0; k < x.Length; k++)
                {
                    m[k] = 0.7 * m[k] + mean[k];
                    x[k] += 0.5 * m[k];
                }
                return x;
            });
            NaiveFedAvg.AssertMatches(expected, outcome.NewGlobal!);
            Assert.Equal(set.Count, outcome.ServerState.Count);
            global = new GlobalAdapter(set, outcome.NewGlobal!) { ServerState = outcome.ServerState };
        }
    }

    [Fact]
    public void Aggregate_ZeroMomentum_EqualsFedAvg()
    {
        var set = Deltas.Mixed();
        var global = new GlobalAdapter(set, Deltas.Random(set, 1)) { ServerState = [] };
        var sites = new[] { ((IReadOnlyList<TensorRecord>)Deltas.Random(set, 2, 0.1f), 3L), (Deltas.Random(set, 3, 0.1f), 9L) };

        var withoutMomentum = SiteResults.Aggregate(new FedAvgM(new Dictionary<string, string> { ["momentum"] = "0" }), 1, global, sites);

        NaiveFedAvg.AssertMatches(NaiveFedAvg.Compute(global.Tensors, sites), withoutMomentum.NewGlobal!);
    }

    [Fact]
    public void Step_AddsMomentumThenMoves()
    {
        float[] x = [1f, 2f];
        float[] m = [0.5f, -1f];

        FedAvgM.Step(x, m, [0.25f, 0f], beta: 0.5, lr: 2);

        Assert.Equal([0.5f, -0.5f], m);
        Assert.Equal([2f, 1f], x);
    }

    [Theory]
    [InlineData("momentum", "1")]
    [InlineData("momentum", "-0.1")]
    [InlineData("server_lr", "0")]
    [InlineData("nesterov", "true")]
    public void Create_InvalidSetting_ThrowsNamingIt(string key, string value)
    {
        var e = Assert.Throws<ArgumentException>(() => new FedAvgM(new Dictionary<string, string> { [key] = value }));

        Assert.Contains($"'{key}'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Aggregate_StateOfWrongShape_ThrowsSayingItIsNotThisRunsState()
    {
        var set = Deltas.Set(("w", DType.Float32, [3]));
        var stale = new[] { TensorRecord.FromSingles("momentum/w", [1f, 2f], DType.Float32, 2) };
        var global = new GlobalAdapter(set, Deltas.Random(set, 1)) { ServerState = stale };

        var e = Assert.Throws<InvalidOperationException>(() => SiteResults.Aggregate(new FedAvgM(), 2, global, [(Deltas.Random(set, 2), 1L)]));

        Assert.Contains("momentum/w", e.Message);
    }
}
