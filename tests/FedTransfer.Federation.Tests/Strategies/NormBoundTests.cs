using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

public class NormBoundTests
{
    [Fact]
    public void Aggregate_UnequalWeights_ClipsEachDeltaToTheBoundThenAverages()
    {
        var set = Deltas.Mixed();
        var global = Deltas.Random(set, 1);
        var deltas = new[] { Deltas.Random(set, 2, 0.01f), Deltas.Random(set, 3, 0.5f), Deltas.Random(set, 4, 2f) };
        long[] examples = [12, 900, 85];
        const double bound = 1.0;
        var norms = deltas.Select(Norm).ToArray();
        Assert.True(norms[0] < bound && norms[1] > bound && norms[2] > bound, string.Join(", ", norms));

        var outcome = SiteResults.Aggregate(new NormBound(new FedAvg(), bound), 1, new GlobalAdapter(set, global),
            deltas.Select((d, i) => ((IReadOnlyList<TensorRecord>)d, examples[i])).ToArray());

        var clipped = deltas.Select((d, i) => ((IReadOnlyList<TensorRecord>)Scale(d, Math.Min(1, bound / norms[i])), examples[i])).ToArray();
        NaiveFedAvg.AssertMatches(NaiveFedAvg.Compute(global, clipped), outcome.NewGlobal!);
        Assert.Equal(2, outcome.Metrics["clipped_updates"]);
    }

    [Fact]
    public void Aggregate_AllWithinBound_EqualsTheWrappedStrategy()
    {
        var set = Deltas.Mixed();
        var global = new GlobalAdapter(set, Deltas.Random(set, 1));
        var sites = new[] { ((IReadOnlyList<TensorRecord>)Deltas.Random(set, 2, 0.01f), 3L), (Deltas.Random(set, 3, 0.01f), 7L) };

        var bounded = SiteResults.Aggregate(new NormBound(new FedAvgM(), 100), 1, global, sites);
        var plain = SiteResults.Aggregate(new FedAvgM(), 1, global, sites);

        Assert.Equal(plain.NewGlobal!.Select(t => t.Data.ToArray()), bounded.NewGlobal!.Select(t => t.Data.ToArray()));
        Assert.Equal(plain.ServerState.Select(t => t.Data.ToArray()), bounded.ServerState.Select(t => t.Data.ToArray()));
        Assert.Equal(0, bounded.Metrics["clipped_updates"]);
    }

    [Fact]
    public void Aggregate_AroundARobustStrategy_TakesTheMedianOfTheClippedDeltas()
    {
        var set = Deltas.Mixed();
        var global = Deltas.Random(set, 1);
        var deltas = Enumerable.Range(0, 5).Select(i => Deltas.Random(set, 70 + i, 0.05f * (i + 1))).ToArray();
        const double bound = 1.2;
        var clipped = deltas.Select(d => Scale(d, Math.Min(1, bound / Norm(d)))).ToArray();

        var outcome = SiteResults.Aggregate(new NormBound(new CoordinateMedian(), bound), 1, new GlobalAdapter(set, global),
            deltas.Select((d, i) => ((IReadOnlyList<TensorRecord>)d, 10L + i)).ToArray());

        NaiveFedAvg.AssertMatches(SiteResults.PerElement(global, clipped, c => c.Order().ElementAt(2)), outcome.NewGlobal!);
        Assert.InRange(outcome.Metrics["clipped_updates"], 1, 4);
    }

    [Fact]
    public void L2Norm_StreamsOverAllTensors()
    {
        var delta = new[] { TensorRecord.FromSingles("a", [3f], DType.Float32, 1), TensorRecord.FromSingles("b", [4f, 0f], DType.BFloat16, 2) };

        Assert.Equal(5.0, NormBound.L2Norm(Deltas.ForwardOnly(Deltas.Bytes(delta)), "test"), 12);
    }

    [Theory]
    [InlineData(0.5, 1.0, 1.0)]
    [InlineData(4.0, 1.0, 0.25)]
    [InlineData(0.0, 1.0, 1.0)]
    public void ClipFactor_IsMinOfOneAndBoundOverNorm(double norm, double bound, double expected)
    {
        Assert.Equal(expected, NormBound.ClipFactor(norm, bound));
    }

    [Fact]
    public void Name_IsTheWrappedStrategys()
    {
        Assert.Equal("krum", new NormBound(new Krum(), 1).Name);
    }

    private static double Norm(IReadOnlyList<TensorRecord> delta) => Math.Sqrt(delta.SelectMany(t => t.ToSingles()).Sum(v => (double)v * v));

    private static IReadOnlyList<TensorRecord> Scale(IReadOnlyList<TensorRecord> delta, double factor) =>
        delta.Select(t => TensorRecord.FromSingles(t.Name, t.ToSingles().Select(v => (float)(v * factor)).ToArray(), t.DType, t.Shape)).ToArray();
}
