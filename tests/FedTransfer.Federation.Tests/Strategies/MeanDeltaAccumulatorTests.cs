using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights;

namespace FedTransfer.Federation.Tests.Strategies;

public class MeanDeltaAccumulatorTests
{
    [Fact]
    public void Complete_PassesTheWeightedSumsAndReturnsTheStepsState()
    {
        var set = Deltas.Set(("w", DType.Float32, [1]));
        var global = new GlobalAdapter(set, Deltas.Random(set, 1));
        var state = Deltas.Random(Deltas.Set(("s/w", DType.Float32, [1])), 2);
        double seenWeight = 0;
        var accumulator = new MeanDeltaAccumulator(1, global, true, sums =>
        {
            seenWeight = sums.TotalWeight;
            return (global.Tensors, state);
        });
        accumulator.Add(SiteResults.Result("a", Deltas.Random(set, 3), 2));
        accumulator.Add(SiteResults.Result("b", Deltas.Random(set, 4), 5));

        var outcome = accumulator.Complete([]);

        Assert.Equal(7, seenWeight);
        Assert.Same(state, outcome.ServerState);
        Assert.Equal(2, outcome.ResultsUsed);
    }

    [Fact]
    public void RoundAcceptance_RefusesNoResultsAndUntoleratedFailures()
    {
        Assert.Null(RoundAcceptance.Check(1, [new SiteFailure("x", "late")], 2, acceptFailures: true));
        Assert.Contains("no valid update", RoundAcceptance.Check(1, [], 0, acceptFailures: true));
        Assert.Contains("accept_failures=false (first: x: late)", RoundAcceptance.Check(1, [new SiteFailure("x", "late")], 2, acceptFailures: false));
    }
}
