namespace FedTransfer.Weights.Serialization;

/// <summary>Shape arithmetic and formatting shared by the writer, the reader and the schema check.</summary>
internal static class TensorShape
{
    /// <summary>Product of the dimensions; throws <see cref="OverflowException"/> when it does not fit a long, and
    /// <see cref="ArgumentException"/> on a negative dimension.</summary>
    public static long CountElements(IReadOnlyList<long> shape)
    {
        long n = 1;
        for (var i = 0; i < shape.Count; i++)
        {
            if (shape[i] < 0) throw new ArgumentException($"dimension {i} is negative ({shape[i]})");
            n = checked(n * shape[i]);
        }
        return n;
    }

    /// <summary>Byte length of a tensor of this dtype and shape, or null if it overflows or a dimension is negative.</summary>
    public static long? TryByteLength(DType dtype, IReadOnlyList<long> shape)
    {
        try
        {
            return checked(CountElements(shape) * dtype.ElementSize());
        }
        catch (Exception e) when (e is OverflowException or ArgumentException)
        {
            return null;
        }
    }

    public static string Format(IReadOnlyList<long> shape) => "[" + string.Join(", ", shape) + "]";

    public static bool SameShape(IReadOnlyList<long> a, IReadOnlyList<long> b)
    {
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] != b[i]) return false;
        }
        return true;
    }
}
