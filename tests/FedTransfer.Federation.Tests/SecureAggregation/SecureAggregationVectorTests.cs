using FedTransfer.Federation.SecureAggregation;
using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.SecureAggregation;

public class SecureAggregationVectorTests
{
    private const double ClipNorm = 1.0;
    private static readonly long[] Examples = [120, 35, 400, 77, 260];

    // Frozen-A LoRA trains B (and the head) only: the same shapes as a real frozen-a federation's trainable set.
    private static readonly TrainableSet Trainable = Deltas.Set(
        ("blocks.0.attn.qkv.lora_b", DType.Float32, [41, 3]),
        ("head.bias", DType.Float32, [5]),
        ("head.weight", DType.Float32, [5, 67]));

    public static TheoryData<string> FedAvgFamily => new() { "fedavg", "fedavgm", "fedadam", "fedyogi", "fedadagrad" };

    [Theory]
    [MemberData(nameof(FedAvgFamily))]
    public void StrategyOnSecureSum_MatchesStrategyOnTheClippedDeltas(string strategyName)
    {
        var global = new GlobalAdapter(Trainable, Deltas.Random(Trainable, seed: 1));
        var deltas = Enumerable.Range(0, 5).Select(i => Deltas.Random(Trainable, seed: 10 + i, scale: 0.2f)).ToArray();
        var cap = Examples.Max();
        var inputs = deltas.Select((d, i) => SecureAggregationVector.SiteInput(Trainable, d, ClipNorm, Examples[i], cap)).ToArray();
        using var sim = new SecureAggregationSimulation(5, SecureAggregationVector.Length(Trainable), inputs: inputs, bound: SecureAggregationVector.RingBound(ClipNorm));

        var sum = sim.Run();
        var (secureResult, problem) = SecureAggregationVector.StrategyInput(Trainable, sum.Sum, cap);
        var secure = StrategyRegistry.Create(strategyName, null).AggregateTrain(1, global, [secureResult!], []);

        Assert.Null(problem);
        var plainResults = deltas.Select((d, i) => new SiteTrainResult($"site-{i}", Examples[i], new Dictionary<string, double>(), () => new MemoryStream(Deltas.Bytes(Clipped(d)))));
        var plain = StrategyRegistry.Create(strategyName, null).AggregateTrain(1, global, plainResults, []);
        Assert.True(secure.Succeeded, secure.FailureReason);
        Assert.True(plain.Succeeded, plain.FailureReason);
        var worst = 0.0;
        foreach (var (p, s) in plain.NewGlobal!.Zip(secure.NewGlobal!))
            worst = Math.Max(worst, p.ToSingles().Zip(s.ToSingles(), (a, b) => Math.Abs(a - b)).Max());
        Assert.True(worst < 1e-5, $"{strategyName}: the secure and plain aggregates differ by {worst}");
    }

    [Fact]
    public void SiteInput_ClipsToTheNormAndAppendsTheWeight()
    {
        var delta = Deltas.Random(Trainable, seed: 3, scale: 0.5f);

        var input = SecureAggregationVector.SiteInput(Trainable, delta, clipNorm: 0.25, examples: 50, weightCap: 200);

        var norm = Math.Sqrt(input[..^1].Sum(v => (double)v * v));
        Assert.Equal(0.25 * 0.25, norm, 5); // clipped to 0.25, then weighted by 50/200
        Assert.Equal(0.25f, input[^1]);
        Assert.Throws<ArgumentException>(() => SecureAggregationVector.SiteInput(Trainable, delta, 0.25, examples: 300, weightCap: 200));
    }

    private static IReadOnlyList<TensorRecord> Clipped(IReadOnlyList<TensorRecord> delta)
    {
        var norm = Math.Sqrt(delta.Sum(t => t.ToSingles().Sum(v => (double)v * v)));
        var factor = (float)NormBound.ClipFactor(norm, ClipNorm);
        return delta.Select(t => TensorRecord.FromSingles(t.Name, t.ToSingles().Select(v => v * factor).ToArray(), t.DType, t.Shape)).ToArray();
    }
}

public class SecureAggregationCompatibilityTests
{
    [Theory]
    [InlineData("fedavg")]
    [InlineData("fedavgm")]
    [InlineData("fedprox")]
    [InlineData("fedadam")]
    [InlineData("fedyogi")]
    [InlineData("fedadagrad")]
    public void FedAvgFamily_IsAccepted(string name) =>
        Assert.Null(SecureAggregationCompatibility.Refusal(StrategyRegistry.Create(name, null)));

    [Theory]
    [InlineData("median")]
    [InlineData("trimmed_mean")]
    [InlineData("krum")]
    [InlineData("multikrum")]
    public void StrategiesThatNeedEachUpdate_AreRefusedInOneLine(string name)
    {
        var strategy = StrategyRegistry.Create(name, null);

        var refusal = SecureAggregationCompatibility.Refusal(strategy);

        Assert.NotNull(refusal);
        Assert.Contains($"strategy {strategy.Name}", refusal);
        Assert.DoesNotContain('\n', refusal);
    }

    [Fact]
    public void NormBoundAndExactLora_AreRefused()
    {
        var bounded = StrategyRegistry.Create("fedavg", new Dictionary<string, string> { [NormBound.SettingName] = "1.5" });
        var exact = ExactLoraStrategy.For(new FedAvg(), "lora:r=4,alpha=8,targets=attn.qkv,agg=exact");
        var frozen = ExactLoraStrategy.For(new FedAvg(), "lora:r=4,alpha=8,targets=attn.qkv,agg=frozen-a");

        Assert.Contains("clip_norm", SecureAggregationCompatibility.Refusal(bounded));
        Assert.Contains("agg=exact", SecureAggregationCompatibility.Refusal(exact));
        Assert.Null(SecureAggregationCompatibility.Refusal(frozen));
    }
}
