using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class BufferedResultsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_EachTensor_MatchesItsDecodedValues(bool seekable)
    {
        var set = Deltas.Mixed();
        var delta = Deltas.Random(set, 7);
        var bytes = Deltas.Bytes(delta);
        var result = new SiteTrainResult("s", 1, new Dictionary<string, double>(), () => seekable ? new MemoryStream(bytes) : Deltas.ForwardOnly(bytes));

        foreach (var spec in set.Tensors)
            Assert.Equal(delta.Single(t => t.Name == spec.Name).ToSingles(), DeltaTensorReader.Read(result, spec));
    }

    [Fact]
    public void Add_DeltaNotMatchingTheTrainableSet_Throws()
    {
        var set = Deltas.Set(("w", DType.Float32, [2]));
        var other = Deltas.Set(("w", DType.Float32, [3]));
        var accumulator = new BufferedResults(1, new GlobalAdapter(set, Deltas.Random(set, 1)), true, _ => (null, "unused"));

        var e = Assert.Throws<InvalidOperationException>(() => accumulator.Add(SiteResults.Result("s", Deltas.Random(other, 2), 1)));

        Assert.Contains("was not validated", e.Message);
        Assert.Equal(0, accumulator.Count);
    }

    [Fact]
    public void Complete_StepFailure_IsPrefixedWithTheRound()
    {
        var set = Deltas.Set(("w", DType.Float32, [2]));
        var accumulator = new BufferedResults(3, new GlobalAdapter(set, Deltas.Random(set, 1)), true, _ => (null, "too few"));
        accumulator.Add(SiteResults.Result("s", Deltas.Random(set, 2), 1));

        Assert.Equal("round 3: too few", accumulator.Complete([]).FailureReason);
        Assert.Throws<InvalidOperationException>(() => accumulator.Complete([]));
    }

    [Fact]
    public void Complete_MetricsAreExampleWeighted()
    {
        var set = Deltas.Set(("w", DType.Float32, [2]));
        var accumulator = new CoordinateMedian().BeginAggregateTrain(1, new GlobalAdapter(set, Deltas.Random(set, 1)));
        accumulator.Add(SiteResults.Result("a", Deltas.Random(set, 2), 1, loss: 4));
        accumulator.Add(SiteResults.Result("b", Deltas.Random(set, 3), 3, loss: 0));

        Assert.Equal(1.0, accumulator.Complete([]).Metrics["train_loss"], 12);
    }
}
