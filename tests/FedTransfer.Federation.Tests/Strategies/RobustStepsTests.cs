using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class RobustStepsTests
{
    [Fact]
    public void PerTensor_CombinesEachTensorAcrossSitesAndAddsTheGlobal()
    {
        var set = Deltas.Mixed();
        var global = Deltas.Random(set, 1);
        var deltas = Enumerable.Range(0, 3).Select(i => (IReadOnlyList<TensorRecord>)Deltas.Random(set, 80 + i, 0.1f)).ToArray();
        var results = deltas.Select((d, i) => SiteResults.Result($"s{i}", d, 1)).ToArray();
        var sizes = new List<int>();

        var next = RobustSteps.PerTensor(new GlobalAdapter(set, global), results, (columns, output) =>
        {
            sizes.Add(columns.Count);
            for (var k = 0; k < output.Length; k++) output[k] = columns.Max(c => c[k]);
        });

        Assert.Equal([3, 3, 3, 3], sizes);
        NaiveFedAvg.AssertMatches(SiteResults.PerElement(global, deltas, c => c.Max()), next);
    }
}
