using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Coordinator.Tests.Support;

/// <summary>Seeded adapters and deltas as safetensors, and the naive FedAvg reference.</summary>
internal static class Tensors
{
    public static readonly (string Name, DType DType, long[] Shape)[] Adapter =
    [
        ("blocks.0.attn.qkv.lora_a", DType.Float32, [4, 24]),
        ("blocks.0.attn.qkv.lora_b", DType.Float32, [72, 4]),
        ("head.bias", DType.Float32, [5]),
        ("head.weight", DType.Float32, [5, 24]),
    ];

    public static IReadOnlyList<TensorRecord> Random(int seed, float scale = 1f, (string Name, DType DType, long[] Shape)[]? spec = null)
    {
        var random = new Random(seed);
        return (spec ?? Adapter).Select(t =>
        {
            var values = new float[t.Shape.Aggregate(1L, (a, b) => a * b)];
            for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 2 - 1) * scale;
            return TensorRecord.FromSingles(t.Name, values, t.DType, t.Shape);
        }).ToArray();
    }

    public static byte[] Bytes(IEnumerable<TensorRecord> tensors) => SafeTensors.Serialize(tensors);

    public static IReadOnlyList<TensorRecord> Replace(IReadOnlyList<TensorRecord> tensors, string name, Func<TensorRecord, TensorRecord> change) =>
        tensors.Select(t => t.Name == name ? change(t) : t).ToArray();

    /// <summary>global + Σ nᵢδᵢ / Σ nᵢ in double precision.</summary>
    public static Dictionary<string, double[]> NaiveFedAvg(IReadOnlyList<TensorRecord> global, IReadOnlyList<(IReadOnlyList<TensorRecord> Delta, long Examples)> sites)
    {
        double total = sites.Sum(s => s.Examples);
        return global.ToDictionary(g => g.Name, g =>
        {
            var values = g.ToSingles().Select(v => (double)v).ToArray();
            foreach (var (delta, n) in sites)
            {
                var d = delta.Single(t => t.Name == g.Name).ToSingles();
                for (var i = 0; i < values.Length; i++) values[i] += n * (double)d[i] / total;
            }
            return values;
        });
    }

    public static void AssertClose(Dictionary<string, double[]> expected, IReadOnlyList<TensorRecord> actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var t in actual)
        {
            var values = t.ToSingles();
            for (var i = 0; i < values.Length; i++)
                Assert.True(Math.Abs(values[i] - expected[t.Name][i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[t.Name][i])), $"{t.Name}[{i}]: {values[i]} vs {expected[t.Name][i]}");
        }
    }
}
