using FedTransfer.Weights.Serialization;

namespace FedTransfer.EndToEnd.Tests.Support;

/// <summary>
/// FedAvg the slow, obvious way, independent of the coordinator's streaming code: for every element,
/// global + Σ nᵢ·δᵢ / Σ nᵢ in double precision.
/// </summary>
internal static class FedAvgReference
{
    public static Dictionary<string, double[]> Next(IReadOnlyList<TensorRecord> global, IReadOnlyList<(IReadOnlyList<TensorRecord> Delta, long Examples)> updates)
    {
        double total = updates.Sum(u => u.Examples);
        var next = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (var tensor in global)
        {
            var values = tensor.ToSingles().Select(v => (double)v).ToArray();
            foreach (var (delta, examples) in updates)
            {
                var d = delta.Single(t => t.Name == tensor.Name).ToSingles();
                Assert.Equal(values.Length, d.Length);
                for (var i = 0; i < values.Length; i++) values[i] += examples / total * d[i];
            }
            next[tensor.Name] = values;
        }
        return next;
    }

    /// <summary>Asserts <paramref name="actual"/> holds exactly the expected tensors, each element within float rounding.</summary>
    public static void AssertClose(Dictionary<string, double[]> expected, IReadOnlyList<TensorRecord> actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var tensor in actual)
        {
            var values = tensor.ToSingles();
            var want = expected[tensor.Name];
            for (var i = 0; i < values.Length; i++)
                Assert.True(Math.Abs(values[i] - want[i]) <= 1e-5 + 1e-5 * Math.Abs(want[i]),
                    $"{tensor.Name}[{i}] = {values[i]}, naive FedAvg gives {want[i]}");
        }
    }

    /// <summary>The largest element difference between two versions of the same tensors.</summary>
    public static double MaxChange(IReadOnlyList<TensorRecord> before, IReadOnlyList<TensorRecord> after) =>
        before.Max(b =>
        {
            var a = after.Single(t => t.Name == b.Name).ToSingles();
            return b.ToSingles().Select((v, i) => Math.Abs(v - a[i])).Max();
        });
}
