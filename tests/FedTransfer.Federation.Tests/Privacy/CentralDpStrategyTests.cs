using FedTransfer.Federation.Privacy;
using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.Privacy;

public class CentralDpStrategyTests
{
    private static readonly CentralDpSettings Dp = new(0.5, 1.3, 10, 1e-5);

    private static SiteTrainResult Result(string site, IReadOnlyList<TensorRecord> delta, long examples) =>
        new(site, examples, new Dictionary<string, double> { ["train_loss"] = examples }, () => Deltas.ForwardOnly(Deltas.Bytes(delta)));

    [Fact]
    public void Aggregate_SeededNoise_EqualsClippedSumPlusNoiseOverSampledSites()
    {
        var set = Deltas.Set(("a", DType.Float32, [3, 4]), ("b", DType.Float32, [5]));
        var global = Deltas.Random(set, 1);
        var deltas = new[] { Deltas.Random(set, 2, 1f), Deltas.Random(set, 3, 0.01f) }; // one above the clip, one below
        var strategy = new CentralDpStrategy(new FedAvg(), Dp, () => GaussianNoise.Seeded(9));

        // Three sites were sampled, one dropped out: the denominator stays 3.
        var accumulator = strategy.BeginAggregateTrain(1, new GlobalAdapter(set, global), sampledSites: 3);
        accumulator.Add(Result("s1", deltas[0], 10));
        accumulator.Add(Result("s2", deltas[1], 1000));
        var outcome = accumulator.Complete([new SiteFailure("s3", "timed out")]);

        Assert.True(outcome.Succeeded, outcome.FailureReason);
        var reference = GaussianNoise.Seeded(9);
        var norms = deltas.Select(d => Math.Sqrt(d.Sum(t => t.ToSingles().Sum(v => (double)v * v)))).ToArray();
        Assert.True(norms[0] > Dp.ClipNorm && norms[1] < Dp.ClipNorm);
        foreach (var (spec, index) in set.Tensors.Select((s, i) => (s, i)))
        {
            var g = global[index].ToSingles();
            var d0 = deltas[0][index].ToSingles();
            var d1 = deltas[1][index].ToSingles();
            var actual = outcome.NewGlobal!.Single(t => t.Name == spec.Name).ToSingles();
            for (var k = 0; k < g.Length; k++)
            {
                var sum = (float)(d0[k] * (Dp.ClipNorm / norms[0])) + d1[k];
                var expected = g[k] + (float)((sum + Dp.NoiseMultiplier * Dp.ClipNorm * reference.Next()) / 3);
                Assert.Equal(expected, actual[k], 5);
            }
        }
        Assert.Equal(1, outcome.Metrics["central_dp_clipped_updates"]);
        Assert.Equal(3, outcome.Metrics["central_dp_sampled_sites"]);
    }

    [Fact]
    public void Aggregate_FedAvgM_AppliesMomentumToTheNoisedMean()
    {
        var set = Deltas.Set(("w", DType.Float32, [8]));
        var global = Deltas.Random(set, 1);
        var delta = Deltas.Random(set, 2, 0.01f);
        var plain = new CentralDpStrategy(new FedAvg(), Dp, () => GaussianNoise.Seeded(4));
        var momentum = new CentralDpStrategy(new FedAvgM(new Dictionary<string, string> { ["momentum"] = "0.9" }), Dp, () => GaussianNoise.Seeded(4));

        TrainAggregation Run(CentralDpStrategy s)
        {
            var accumulator = s.BeginAggregateTrain(1, new GlobalAdapter(set, global), 1);
            accumulator.Add(Result("s", delta, 5));
            return accumulator.Complete([]);
        }

        var a = Run(plain);
        var b = Run(momentum);
        // First round: momentum starts at zero, so v = mean and the step is the same; FedAvgM keeps it as server state.
        Assert.Equal(a.NewGlobal![0].ToSingles(), b.NewGlobal![0].ToSingles());
        Assert.Empty(a.ServerState);
        Assert.NotEmpty(b.ServerState);
    }

    [Fact]
    public void BeginAggregateTrain_WithoutSampledCount_IsRefused()
    {
        var strategy = new CentralDpStrategy(new FedAvg(), Dp);
        var set = Deltas.Set(("w", DType.Float32, [2]));

        Assert.Throws<InvalidOperationException>(() => strategy.BeginAggregateTrain(1, new GlobalAdapter(set, Deltas.Random(set, 1))));
    }

    [Fact]
    public void Create_AroundRobustStrategies_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new CentralDpStrategy(new CoordinateMedian(), Dp));
        Assert.Throws<ArgumentException>(() => new CentralDpStrategy(new NormBound(new FedAvg(), 1.0), Dp));
        Assert.Throws<ArgumentException>(() => new CentralDpStrategy(new FedAvg(), Dp with { Delta = 0 }));
    }
}
