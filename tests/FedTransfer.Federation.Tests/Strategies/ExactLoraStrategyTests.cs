using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Strategies;

/// <summary>
/// The three LoRA aggregation modes on the same three sites with different updates and unequal example counts: how far the
/// aggregated product B'·A' is from the example-weighted mean of the sites' products mean(B_i·A_i).
/// </summary>
public class ExactLoraStrategyTests
{
    private const int Out = 5, In = 6, Rank = 2;
    private static readonly long[] Examples = [10, 30, 60];

    private static TrainableSet Set(bool withA) => Deltas.Set(
        [.. (withA ? new[] { ("l.lora_a", DType.Float32, new long[] { Rank, In }) } : Array.Empty<(string, DType, long[])>()),
            ("l.lora_b", DType.Float32, [Out, Rank]), ("head.weight", DType.Float32, [3, 4])]);

    private static SiteTrainResult Result(int site, IReadOnlyList<TensorRecord> delta) =>
        new($"site-{site}", Examples[site], new Dictionary<string, double> { ["train_loss"] = site }, () => Deltas.ForwardOnly(Deltas.Bytes(delta)));

    private static float[] Get(IReadOnlyList<TensorRecord> tensors, string name) => tensors.Single(t => t.Name == name).ToSingles();

    private static double[] Product(float[] b, float[] a)
    {
        var p = new double[Out * In];
        for (var i = 0; i < Out; i++)
            for (var j = 0; j < In; j++)
                for (var k = 0; k < Rank; k++)
                    p[i * In + j] += (double)b[i * Rank + k] * a[k * In + j];
        return p;
    }

    private static float[] Plus(float[] x, float[] y) => x.Zip(y, (p, q) => p + q).ToArray();

    /// <summary>mean(B_i·A_i) weighted by examples, with B_i = B_g + δB_i and A_i = A_g + δA_i (A_i = A_g when A is frozen).</summary>
    private static double[] MeanProduct(IReadOnlyList<TensorRecord> global, IReadOnlyList<TensorRecord>[] deltas, float[]? frozenA)
    {
        var mean = new double[Out * In];
        double total = Examples.Sum();
        for (var s = 0; s < deltas.Length; s++)
        {
            var b = Plus(Get(global, "l.lora_b"), Get(deltas[s], "l.lora_b"));
            var a = frozenA ?? Plus(Get(global, "l.lora_a"), Get(deltas[s], "l.lora_a"));
            var p = Product(b, a);
            for (var k = 0; k < mean.Length; k++) mean[k] += Examples[s] * p[k] / total;
        }
        return mean;
    }

    private static double RelativeError(double[] actual, double[] expected) =>
        Math.Sqrt(actual.Zip(expected, (x, y) => (x - y) * (x - y)).Sum()) / Math.Sqrt(expected.Sum(y => y * y));

    private static (IReadOnlyList<TensorRecord> Global, IReadOnlyList<TensorRecord>[] Deltas) Round(TrainableSet set) =>
        (Deltas.Random(set, seed: 1, scale: 0.5f), [Deltas.Random(set, 2, 0.3f), Deltas.Random(set, 3, 0.3f), Deltas.Random(set, 4, 0.3f)]);

    [Fact]
    public void Naive_ProductOfMeans_IsNotTheMeanProduct()
    {
        var set = Set(withA: true);
        var (global, deltas) = Round(set);

        var outcome = new FedAvg().AggregateTrain(1, new GlobalAdapter(set, global), deltas.Select((d, i) => Result(i, d)), []);

        var error = RelativeError(Product(Get(outcome.NewGlobal!, "l.lora_b"), Get(outcome.NewGlobal!, "l.lora_a")), MeanProduct(global, deltas, null));
        Assert.True(error > 1e-2, $"naive error {error} should be clearly above zero");
    }

    [Fact]
    public void FrozenA_MeanOfB_TimesA_IsTheMeanProduct()
    {
        var set = Set(withA: false); // A is not trained, so not in the trainable set
        var (global, deltas) = Round(set);
        var frozenA = Get(Deltas.Random(Set(withA: true), seed: 9), "l.lora_a");

        var outcome = new FedAvg().AggregateTrain(1, new GlobalAdapter(set, global), deltas.Select((d, i) => Result(i, d)), []);

        var error = RelativeError(Product(Get(outcome.NewGlobal!, "l.lora_b"), frozenA), MeanProduct(global, deltas, frozenA));
        Assert.True(error < 1e-5, $"frozen-a error {error} should be float rounding only");
    }

    [Fact]
    public void Exact_FactorisedMean_IsWithinTheReportedTruncationError()
    {
        var set = Set(withA: true);
        var (global, deltas) = Round(set);
        var strategy = ExactLoraStrategy.For(new FedAvg(), "lora:r=2,alpha=4,targets=l,agg=exact");

        var outcome = strategy.AggregateTrain(1, new GlobalAdapter(set, global), deltas.Select((d, i) => Result(i, d)), []);

        Assert.True(outcome.Succeeded, outcome.FailureReason);
        var reported = outcome.Metrics[ExactLoraStrategy.TruncationErrorMetric];
        var error = RelativeError(Product(Get(outcome.NewGlobal!, "l.lora_b"), Get(outcome.NewGlobal!, "l.lora_a")), MeanProduct(global, deltas, null));
        // Three rank-2 products sum to rank up to 5: rank 2 cannot hold it all, and the SVD's loss is exactly what is reported.
        Assert.True(reported > 1e-3, $"reported truncation error {reported}");
        Assert.True(error <= reported + 1e-5, $"exact error {error} exceeds the reported truncation error {reported}");
        Assert.True(Math.Abs(error - reported) < 1e-5, $"the SVD truncation is optimal: error {error} should equal {reported}");
        Assert.Equal(reported, outcome.Metrics[ExactLoraStrategy.TruncationErrorMeanMetric], 12);
        Assert.Equal(60.0 * 2 / 100 + 30.0 / 100, outcome.Metrics["train_loss"], 12); // the sites' metrics are still averaged
    }

    [Fact]
    public void Exact_NonLoraTensors_AreTheInnerStrategysAggregate()
    {
        var set = Set(withA: true);
        var (global, deltas) = Round(set);

        var exact = ExactLoraStrategy.For(new FedAvg(), "lora:r=2,targets=l,agg=exact")
            .AggregateTrain(1, new GlobalAdapter(set, global), deltas.Select((d, i) => Result(i, d)), []);
        var plain = new FedAvg().AggregateTrain(1, new GlobalAdapter(set, global), deltas.Select((d, i) => Result(i, d)), []);

        Assert.Equal(Get(plain.NewGlobal!, "head.weight"), Get(exact.NewGlobal!, "head.weight"));
        Assert.Equal(set.Tensors.Select(t => t.Name), exact.NewGlobal!.Select(t => t.Name));
    }

    [Fact]
    public void Exact_OneSite_ReproducesItsProductWithNoTruncation()
    {
        var set = Set(withA: true);
        var (global, deltas) = Round(set);

        var outcome = ExactLoraStrategy.For(new FedAvg(), "lora:r=2,targets=l,agg=exact")
            .AggregateTrain(1, new GlobalAdapter(set, global), [Result(0, deltas[0])], []);

        Assert.True(outcome.Metrics[ExactLoraStrategy.TruncationErrorMetric] < 1e-6);
        var b = Plus(Get(global, "l.lora_b"), Get(deltas[0], "l.lora_b"));
        var a = Plus(Get(global, "l.lora_a"), Get(deltas[0], "l.lora_a"));
        Assert.True(RelativeError(Product(Get(outcome.NewGlobal!, "l.lora_b"), Get(outcome.NewGlobal!, "l.lora_a")), Product(b, a)) < 1e-5);
    }

    [Theory]
    [InlineData("lora:r=2,targets=l")]
    [InlineData("lora:r=2,targets=l,agg=frozen-a")]
    [InlineData("bottleneck:reduction=4")]
    public void For_NotExact_ReturnsTheInnerStrategy(string spec)
    {
        var inner = new FedAvg();

        Assert.Same(inner, ExactLoraStrategy.For(inner, spec));
    }

    [Fact]
    public void For_RobustStrategy_IsRefusedWithARemedy()
    {
        var e = Assert.Throws<ArgumentException>(() => ExactLoraStrategy.For(new NamedOnly("median"), "lora:r=2,agg=exact"));

        Assert.Contains("FedAvg-family", e.Message);
        Assert.Contains("'median'", e.Message);
        Assert.Contains("agg=frozen-a", e.Message);
    }

    [Fact]
    public void For_NormBoundAroundFedAvg_KeepsTheBoundOutermost()
    {
        var wrapped = ExactLoraStrategy.For(new NormBound(new FedAvg(), 1.5), "lora:r=2,agg=exact");

        var bound = Assert.IsType<NormBound>(wrapped);
        Assert.Equal(1.5, bound.ClipNorm);
        Assert.IsType<ExactLoraStrategy>(bound.Inner);
    }

    [Theory]
    [InlineData("median")]
    [InlineData("krum")]
    [InlineData("trimmed_mean")]
    public void For_RegisteredRobustStrategies_AreRefused(string name)
    {
        Assert.Throws<ArgumentException>(() => ExactLoraStrategy.For(StrategyRegistry.Create(name, null), "lora:r=2,agg=exact"));
    }

    [Theory]
    [InlineData("fedavgm")]
    [InlineData("fedprox")]
    [InlineData("fedadam")]
    public void For_RegisteredFedAvgFamily_IsWrapped(string name)
    {
        Assert.IsType<ExactLoraStrategy>(ExactLoraStrategy.For(StrategyRegistry.Create(name, null), "lora:r=2,agg=exact"));
    }

    [Fact]
    public void Exact_ServerOptimiserState_IsPassedOn()
    {
        var set = Set(withA: true);
        var (global, deltas) = Round(set);

        var exact = ExactLoraStrategy.For(StrategyRegistry.Create("fedadam", null), "lora:r=2,targets=l,agg=exact")
            .AggregateTrain(1, new GlobalAdapter(set, global), deltas.Select((d, i) => Result(i, d)), []);
        var plain = StrategyRegistry.Create("fedadam", null)
            .AggregateTrain(1, new GlobalAdapter(set, global), deltas.Select((d, i) => Result(i, d)), []);

        Assert.NotEmpty(plain.ServerState);
        Assert.Equal(plain.ServerState.Select(t => (t.Name, t.Data.ToArray())), exact.ServerState.Select(t => (t.Name, t.Data.ToArray())));
        Assert.Equal(Get(plain.NewGlobal!, "head.weight"), Get(exact.NewGlobal!, "head.weight"));
    }

    [Fact]
    public void For_BadSpec_IsAnArgumentError()
    {
        Assert.Throws<ArgumentException>(() => ExactLoraStrategy.For(new FedAvg(), "lora:agg=sum"));
    }

    [Fact]
    public void BeginAggregateTrain_NoLoraPair_ThrowsSayingSo()
    {
        var strategy = ExactLoraStrategy.For(new FedAvg(), "lora:r=2,agg=exact");
        var set = Deltas.Set(("head.weight", DType.Float32, [3, 4]));

        var e = Assert.Throws<InvalidOperationException>(() => strategy.BeginAggregateTrain(1, new GlobalAdapter(set, Deltas.Random(set, 1))));

        Assert.Contains("no LoRA pair", e.Message);
    }

    /// <summary>A strategy known only by its name, standing for one outside the FedAvg family.</summary>
    private sealed class NamedOnly(string name) : IStrategy
    {
        public string Name => name;
        public TrainPlan ConfigureTrain(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) => throw new NotSupportedException();
        public ITrainAccumulator BeginAggregateTrain(int round, GlobalAdapter global) => throw new NotSupportedException();
        public SiteSelection ConfigureEvaluate(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) => throw new NotSupportedException();
        public EvaluationAggregation AggregateEvaluate(int round, IReadOnlyList<SiteEvaluation> results, IReadOnlyList<SiteFailure> failures) => throw new NotSupportedException();
    }
}
