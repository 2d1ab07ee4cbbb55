namespace FedTransfer.Models.Tests.Support;

/// <summary>Element-wise closeness assertions with a message naming the first offending index.</summary>
internal static class Approx
{
    public static void Equal(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var diff = Math.Abs(expected[i] - actual[i]);
            Assert.True(diff <= tolerance * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]:R}, got {actual[i]:R} (diff {diff:E2} > tolerance {tolerance:E1})");
        }
    }

    public static void Equal(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double tolerance)
    {
        var e = new double[expected.Length];
        var a = new double[actual.Length];
        for (var i = 0; i < e.Length; i++)
        {
            e[i] = expected[i];
        }

        for (var i = 0; i < a.Length; i++)
        {
            a[i] = actual[i];
        }

        Equal(e, a, tolerance);
    }
}
