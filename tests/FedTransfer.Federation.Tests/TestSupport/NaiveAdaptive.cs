using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.TestSupport;

/// <summary>
/// Reddi et al.'s Algorithm 2 written out plainly in double precision, run round by round beside a strategy: each
/// round starts from the strategy's own previous global (so dtype rounding of x is shared) while m and v are the
/// reference's own.
/// </summary>
internal static class NaiveAdaptive
{
    public static void AssertTwoRoundsMatch(IStrategy strategy, double eta, double beta1, double beta2, double tau, Func<double, double, double, double> secondMoment)
    {
        var set = Deltas.Mixed();
        var global = new GlobalAdapter(set, Deltas.Random(set, seed: 1));
        long[] examples = [12, 900, 85];
        var m = set.Tensors.ToDictionary(t => t.Name, t => new double[t.NumElements]);
        var v = set.Tensors.ToDictionary(t => t.Name, t => Enumerable.Repeat(tau * tau, (int)t.NumElements).ToArray());
        for (var round = 1; round <= 2; round++)
        {
            var deltas = Enumerable.Range(0, 3).Select(i => Deltas.Random(set, 10 * round + i, 0.05f)).ToArray();

            var outcome = SiteResults.Aggregate(strategy, round, global, deltas.Select((d, i) => ((IReadOnlyList<TensorRecord>)d, examples[i])).ToArray());

            Assert.True(outcome.Succeeded, outcome.FailureReason);
            var expected = global.Tensors.ToDictionary(g => g.Name, g =>
            {
                var delta = SiteResults.WeightedMean(SiteResults.Values(deltas, g.Name), examples.Select(e => (double)e).ToArray());
                var x = g.ToSingles().Select(s => (double)s).ToArray();
                var (mt, vt) = (m[g.Name], v[g.Name]);
                for (var k = 0; k < x.Length; k++)
                {
                    mt[k] = beta1 * mt[k] + (1 - beta1) * delta[k];
                    vt[k] = secondMoment(vt[k], delta[k] * delta[k], beta2);
                    x[k] += eta * mt[k] / (Math.Sqrt(vt[k]) + tau);
                }
                return x;
            });
            NaiveFedAvg.AssertMatches(expected, outcome.NewGlobal!);
            Assert.Equal(2 * set.Count, outcome.ServerState.Count);
            global = new GlobalAdapter(set, outcome.NewGlobal!) { ServerState = outcome.ServerState };
        }
    }
}
