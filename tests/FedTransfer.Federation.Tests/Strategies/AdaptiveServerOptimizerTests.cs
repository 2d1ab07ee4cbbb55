using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights;

namespace FedTransfer.Federation.Tests.Strategies;

public class AdaptiveServerOptimizerTests
{
    [Fact]
    public void Step_FirstRound_StartsFromZeroMomentAndTauSquared()
    {
        var s = new AdaptiveSettings(Eta: 0.01, Beta1: 0.9, Beta2: 0.99, Tau: 1e-3, AcceptFailures: true);
        float[] x = [1f];
        float[] m = [0f];
        float[] v = [(float)(s.Tau * s.Tau)];

        AdaptiveServerOptimizer.Step(x, m, v, [0.1f], s, FedAdam.SecondMoment);

        var expectedV = 0.99 * 1e-6 + 0.01 * 0.01;
        Assert.Equal(0.01, m[0], 6);
        Assert.Equal(expectedV, v[0], 9);
        Assert.Equal(1 + 0.01 * 0.01 / (Math.Sqrt(expectedV) + 1e-3), x[0], 6);
    }

    [Fact]
    public void Aggregate_StateNames_AreSlotSlashTensor()
    {
        var set = Deltas.Set(("head.weight", DType.BFloat16, [2, 3]));

        var outcome = SiteResults.Aggregate(new FedAdam(), 1, new GlobalAdapter(set, Deltas.Random(set, 1)), [(Deltas.Random(set, 2), 5L)]);

        Assert.Equal(["m/head.weight", "v/head.weight"], outcome.ServerState.Select(t => t.Name));
        Assert.All(outcome.ServerState, t => Assert.Equal(DType.Float32, t.DType));
    }

    [Fact]
    public void Step_LengthMismatch_Throws()
    {
        var s = new AdaptiveSettings(0.01, 0.9, 0.99, 1e-3, true);

        Assert.Throws<ArgumentException>(() => AdaptiveServerOptimizer.Step(new float[2], new float[2], new float[1], new float[2], s, FedAdam.SecondMoment));
    }
}
