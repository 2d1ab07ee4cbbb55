using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Tests.TestSupport;

/// <summary>The textbook formula in double precision, element by element, as the reference the optimised path must match.</summary>
internal static class NaiveFedAvg
{
    public static Dictionary<string, double[]> Compute(IReadOnlyList<TensorRecord> global, IReadOnlyList<(IReadOnlyList<TensorRecord> Delta, long Examples)> sites, double serverLr = 1.0)
    {
        double total = sites.Sum(s => s.Examples);
        var result = new Dictionary<string, double[]>();
        foreach (var g in global)
        {
            var values = g.ToSingles().Select(v => (double)v).ToArray();
            var mean = new double[values.Length];
            foreach (var (delta, examples) in sites)
            {
                var d = delta.Single(t => t.Name == g.Name).ToSingles();
                for (var i = 0; i < mean.Length; i++) mean[i] += examples * (double)d[i];
            }
            for (var i = 0; i < values.Length; i++) values[i] += serverLr * mean[i] / total;
            result[g.Name] = values;
        }
        return result;
    }

    /// <summary>Largest error allowed between a stored value of <paramref name="dtype"/> and the exact reference.</summary>
    public static double Tolerance(DType dtype, double reference) => dtype switch
    {
        DType.Float32 => 1e-5 * Math.Max(1, Math.Abs(reference)),
        DType.Float16 => 1e-3 * Math.Abs(reference) + 1e-4,
        DType.BFloat16 => 8e-3 * Math.Abs(reference) + 1e-4,
        _ => throw new NotSupportedException(dtype.ToString()),
    };

    public static void AssertMatches(Dictionary<string, double[]> reference, IReadOnlyList<TensorRecord> actual)
    {
        Assert.Equal(reference.Keys.Order(StringComparer.Ordinal), actual.Select(t => t.Name).Order(StringComparer.Ordinal));
        foreach (var t in actual)
        {
            var values = t.ToSingles();
            var expected = reference[t.Name];
            for (var i = 0; i < values.Length; i++)
            {
                var error = Math.Abs(values[i] - expected[i]);
                Assert.True(error <= Tolerance(t.DType, expected[i]), $"{t.Name}[{i}]: got {values[i]}, expected {expected[i]} ({t.DType})");
            }
        }
    }
}
