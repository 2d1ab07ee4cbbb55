using FedTransfer.Weights;
using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.TestSupport;

/// <summary>Site results over in-memory deltas, naive per-element references, and the five-site attack scenario.</summary>
internal static class SiteResults
{
    /// <summary>A result whose delta is re-readable any number of times, forward-only like a network stream.</summary>
    public static SiteTrainResult Result(string site, IReadOnlyList<TensorRecord> delta, long examples, double loss = 1.0)
    {
        var bytes = Deltas.Bytes(delta);
        return new SiteTrainResult(site, examples, new Dictionary<string, double> { ["train_loss"] = loss }, () => Deltas.ForwardOnly(bytes));
    }

    public static TrainAggregation Aggregate(IStrategy strategy, int round, GlobalAdapter global, IReadOnlyList<(IReadOnlyList<TensorRecord> Delta, long Examples)> sites) =>
        strategy.AggregateTrain(round, global, sites.Select((s, i) => Result($"site-{i}", s.Delta, s.Examples)).ToArray(), []);

    /// <summary>Tensor <paramref name="name"/> of every site's delta, in double.</summary>
    public static double[][] Values(IEnumerable<IReadOnlyList<TensorRecord>> deltas, string name) =>
        deltas.Select(d => d.Single(t => t.Name == name).ToSingles().Select(v => (double)v).ToArray()).ToArray();

    /// <summary>Element-wise weighted mean Σ wᵢ·xᵢ / Σ wᵢ in double.</summary>
    public static double[] WeightedMean(IReadOnlyList<double[]> values, IReadOnlyList<double> weights)
    {
        var mean = new double[values[0].Length];
        for (var i = 0; i < values.Count; i++)
        {
            for (var k = 0; k < mean.Length; k++) mean[k] += weights[i] * values[i][k];
        }
        var total = weights.Sum();
        for (var k = 0; k < mean.Length; k++) mean[k] /= total;
        return mean;
    }

    /// <summary>global + combine(deltas) per tensor, combine applied to each element's column of site values.</summary>
    public static Dictionary<string, double[]> PerElement(IReadOnlyList<TensorRecord> global, IReadOnlyList<IReadOnlyList<TensorRecord>> deltas, Func<double[], double> combine) =>
        global.ToDictionary(g => g.Name, g =>
        {
            var x = g.ToSingles().Select(v => (double)v).ToArray();
            var columns = Values(deltas, g.Name);
            for (var k = 0; k < x.Length; k++) x[k] += combine(columns.Select(c => c[k]).ToArray());
            return x;
        });

    /// <summary>
    /// Five sites on an all-F32 adapter: four honest deltas (a common direction plus small per-site noise) and one
    /// attacker sending <paramref name="attack"/> of an honest delta while claiming many examples.
    /// </summary>
    public static (TrainableSet Set, GlobalAdapter Global, SiteTrainResult[] Results, double[] HonestMean) Attack(Func<float, float> attack)
    {
        var set = Deltas.Set(("a", DType.Float32, [7, 11]), ("b", DType.Float32, [13]));
        var global = Deltas.Random(set, seed: 5);
        var common = Deltas.Random(set, seed: 6, scale: 0.1f);
        var honest = Enumerable.Range(0, 4).Select(i => Add(common, Deltas.Random(set, seed: 10 + i, scale: 0.002f))).ToArray();
        var evil = honest[0].Select(t => TensorRecord.FromSingles(t.Name, t.ToSingles().Select(attack).ToArray(), t.DType, t.Shape)).ToArray();
        var results = honest.Select((d, i) => Result($"honest-{i}", d, 100 + 10 * i)).Append(Result("attacker", evil, 10_000)).ToArray();
        var mean = Flatten(honest.Select(d => (IReadOnlyList<TensorRecord>)d)).Aggregate((x, y) => x.Zip(y, (p, q) => p + q).ToArray()).Select(v => v / 4).ToArray();
        return (set, new GlobalAdapter(set, global), results, mean);
    }

    /// <summary>‖(newGlobal − global) − honestMean‖ / ‖honestMean‖: how far the applied update is from the honest mean.</summary>
    public static double RelativeError(GlobalAdapter global, TrainAggregation outcome, double[] honestMean)
    {
        Assert.True(outcome.Succeeded, outcome.FailureReason);
        var before = Flatten([global.Tensors]).Single();
        var after = Flatten([outcome.NewGlobal!]).Single();
        double error = 0, norm = 0;
        for (var k = 0; k < before.Length; k++)
        {
            error += Math.Pow(after[k] - before[k] - honestMean[k], 2);
            norm += honestMean[k] * honestMean[k];
        }
        return Math.Sqrt(error / norm);
    }

    private static IReadOnlyList<TensorRecord> Add(IReadOnlyList<TensorRecord> a, IReadOnlyList<TensorRecord> b) =>
        a.Zip(b, (x, y) => TensorRecord.FromSingles(x.Name, x.ToSingles().Zip(y.ToSingles(), (p, q) => p + q).ToArray(), x.DType, x.Shape)).ToArray();

    private static IEnumerable<double[]> Flatten(IEnumerable<IReadOnlyList<TensorRecord>> adapters) =>
        adapters.Select(d => d.OrderBy(t => t.Name, StringComparer.Ordinal).SelectMany(t => t.ToSingles()).Select(v => (double)v).ToArray());
}
