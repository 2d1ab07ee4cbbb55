namespace FedTransfer.Torch;

/// <summary>Element type of a tensor. Values equal libtorch's c10::ScalarType so they cross the C ABI unchanged.</summary>
public enum DType
{
    /// <summary>8-bit unsigned integer.</summary>
    UInt8 = 0,

    /// <summary>8-bit signed integer.</summary>
    Int8 = 1,

    /// <summary>16-bit signed integer.</summary>
    Int16 = 2,

    /// <summary>32-bit signed integer.</summary>
    Int32 = 3,

    /// <summary>64-bit signed integer (indices, class labels).</summary>
    Int64 = 4,

    /// <summary>IEEE 754 half precision.</summary>
    Float16 = 5,

    /// <summary>IEEE 754 single precision (the default).</summary>
    Float32 = 6,

    /// <summary>IEEE 754 double precision.</summary>
    Float64 = 7,

    /// <summary>Boolean, one byte per element.</summary>
    Bool = 11,

    /// <summary>Brain floating point: float32's exponent with a 7-bit mantissa.</summary>
    BFloat16 = 15,
}

/// <summary>Facts about <see cref="DType"/> values.</summary>
public static class DTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.UInt8 or DType.Int8 or DType.Bool => 1,
        DType.Int16 or DType.Float16 or DType.BFloat16 => 2,
        DType.Int32 or DType.Float32 => 4,
        DType.Int64 or DType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>True for the floating-point types (the ones autograd can differentiate).</summary>
    public static bool IsFloatingPoint(this DType dtype) =>
        dtype is DType.Float16 or DType.Float32 or DType.Float64 or DType.BFloat16;

    /// <summary>PyTorch's name for the type ("float32", "int64", ...).</summary>
    public static string ToTorchName(this DType dtype) => dtype switch
    {
        DType.UInt8 => "uint8",
        DType.Int8 => "int8",
        DType.Int16 => "int16",
        DType.Int32 => "int32",
        DType.Int64 => "int64",
        DType.Float16 => "float16",
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        DType.Bool => "bool",
        DType.BFloat16 => "bfloat16",
        _ => $"dtype({(int)dtype})",
    };

    /// <summary>The <see cref="DType"/> whose elements have the layout of the managed type <typeparamref name="T"/>.</summary>
    internal static DType Of<T>()
        where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.Float32
        : typeof(T) == typeof(double) ? DType.Float64
        : typeof(T) == typeof(long) ? DType.Int64
        : typeof(T) == typeof(int) ? DType.Int32
        : typeof(T) == typeof(short) ? DType.Int16
        : typeof(T) == typeof(sbyte) ? DType.Int8
        : typeof(T) == typeof(byte) ? DType.UInt8
        : typeof(T) == typeof(bool) ? DType.Bool
        : typeof(T) == typeof(Half) ? DType.Float16
        : typeof(T) == typeof(BFloat16) ? DType.BFloat16
        : throw new NotSupportedException($"{typeof(T).Name} has no tensor dtype; use float, double, long, int, short, sbyte, byte, bool, Half or BFloat16");
}
