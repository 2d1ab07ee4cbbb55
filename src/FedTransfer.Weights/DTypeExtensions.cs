namespace FedTransfer.Weights;

/// <summary>Facts about <see cref="DType"/> values that the binding needs (sizes and safetensors names: <see cref="DTypeInfo"/>).</summary>
public static class DTypeExtensions
{
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
