namespace FedTransfer.Torch;

/// <summary>Shape validation shared by the factories, so bad shapes fail in managed code with a clear message.</summary>
internal static class Shapes
{
    internal static long[] Checked(long[] shape, string paramName = "shape")
    {
        ArgumentNullException.ThrowIfNull(shape, paramName);
        NumElements(shape, paramName);
        return shape;
    }

    internal static long NumElements(ReadOnlySpan<long> shape, string paramName)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"shape {Format(shape)} has a negative dimension", paramName);
            }

            n = checked(n * d);
        }

        return n;
    }

    internal static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
