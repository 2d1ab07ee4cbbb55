using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class IStrategyTests
{
    [Fact]
    public void AggregateTrain_Extension_EqualsStepByStepAccumulation()
    {
        var set = Deltas.Mixed();
        var global = new GlobalAdapter(set, Deltas.Random(set, 1));
        var results = Enumerable.Range(0, 3)
            .Select(i => new SiteTrainResult($"s{i}", 10 + i * 7, new Dictionary<string, double>(), () => new MemoryStream(Deltas.Bytes(Deltas.Random(set, 20 + i)))))
            .ToArray();
        var strategy = new FedAvg();
        var accumulator = strategy.BeginAggregateTrain(1, global);
        foreach (var r in results) accumulator.Add(r);
        var stepwise = accumulator.Complete([]);

        var whole = strategy.AggregateTrain(1, global, results, []);

        Assert.Equal(stepwise.NewGlobal!.Select(t => t.Data.ToArray()), whole.NewGlobal!.Select(t => t.Data.ToArray()));
    }
}
