using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class WeightedDeltaAccumulatorTests
{
    [Fact]
    public void ApplyMean_UnequalWeightsMixedDTypes_MatchesReference()
    {
        var set = Deltas.Mixed();
        var global = Deltas.Random(set, seed: 10);
        var sites = new[] { (Deltas.Random(set, 11, 0.1f), 7L), (Deltas.Random(set, 12, 0.1f), 300L), (Deltas.Random(set, 13, 0.1f), 41L) };
        var accumulator = new WeightedDeltaAccumulator(set);

        foreach (var (delta, n) in sites)
        {
            using var stream = Deltas.ForwardOnly(Deltas.Bytes(delta));
            accumulator.Add(stream, n, "test");
        }
        var result = accumulator.ApplyMean(global, 1.0);

        NaiveFedAvg.AssertMatches(NaiveFedAvg.Compute(global, sites.Select(s => ((IReadOnlyList<TensorRecord>)s.Item1, s.Item2)).ToArray()), result);
        Assert.Equal(348, accumulator.TotalWeight);
        Assert.Equal(3, accumulator.Count);
    }

    [Fact]
    public void ApplyMean_KeepsGlobalDTypesAndShapes()
    {
        var set = Deltas.Mixed();
        var global = Deltas.Random(set, seed: 10);
        var accumulator = new WeightedDeltaAccumulator(set);
        accumulator.Add(new MemoryStream(Deltas.Bytes(Deltas.Random(set, 1))), 1, "test");

        var result = accumulator.ApplyMean(global, 0.5);

        Assert.All(global.Zip(result), p =>
        {
            Assert.Equal(p.First.Name, p.Second.Name);
            Assert.Equal(p.First.DType, p.Second.DType);
            Assert.Equal(p.First.Shape, p.Second.Shape);
        });
    }

    [Fact]
    public void Add_UnvalidatedDelta_ThrowsAndLeavesSumsUntouched()
    {
        var set = Deltas.Mixed();
        var accumulator = new WeightedDeltaAccumulator(set);
        var wrong = Deltas.Random(set, 1).Where(t => t.Name != "head.bias").ToArray();

        var e = Assert.Throws<InvalidOperationException>(() => accumulator.Add(new MemoryStream(Deltas.Bytes(wrong)), 5, "site x"));

        Assert.Contains("head.bias", e.Message);
        Assert.Equal(0, accumulator.Count);
        Assert.All(Enumerable.Range(0, set.Count), i => Assert.All(accumulator.Sum(i).ToArray(), v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void Add_TruncatedMidway_FaultsTheAccumulator()
    {
        var set = Deltas.Mixed();
        var accumulator = new WeightedDeltaAccumulator(set);
        var bytes = Deltas.Bytes(Deltas.Random(set, 1));

        Assert.Throws<SafeTensorsFormatException>(() => accumulator.Add(Deltas.ForwardOnly(bytes[..^8]), 5, "site x"));
        var e = Assert.Throws<InvalidOperationException>(() => accumulator.Add(new MemoryStream(bytes), 5, "site y"));

        Assert.Contains("faulted", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    public void Add_NonPositiveWeight_Throws(double weight)
    {
        var set = Deltas.Mixed();
        var accumulator = new WeightedDeltaAccumulator(set);

        Assert.Throws<ArgumentOutOfRangeException>(() => accumulator.Add(new MemoryStream(Deltas.Bytes(Deltas.Random(set, 1))), weight, "s"));
    }

    [Fact]
    public void ApplyMean_NothingAdded_Throws()
    {
        var set = Deltas.Set(("w", DType.Float32, [2]));

        Assert.Throws<InvalidOperationException>(() => new WeightedDeltaAccumulator(set).ApplyMean(Deltas.Random(set, 1), 1));
    }
}
