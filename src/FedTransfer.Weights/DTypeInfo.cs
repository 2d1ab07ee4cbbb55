namespace FedTransfer.Weights;

/// <summary>Facts about <see cref="DType"/> values that need no native code: element size and the safetensors dtype name.</summary>
public static class DTypeInfo
{
    /// <summary>Size of one element in bytes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="DType"/>.</exception>
    public static int ElementSize(this DType dtype) => dtype switch
    {
        DType.UInt8 or DType.Int8 or DType.Bool => 1,
        DType.Int16 or DType.Float16 or DType.BFloat16 => 2,
        DType.Int32 or DType.Float32 => 4,
        DType.Int64 or DType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Unknown dtype code {(int)dtype}."),
    };

    /// <summary>True for Float16, BFloat16, Float32 and Float64.</summary>
    public static bool IsFloatingPoint(this DType dtype) =>
        dtype is DType.Float16 or DType.BFloat16 or DType.Float32 or DType.Float64;

    /// <summary>The dtype's name in a safetensors header ("F32", "BF16", "I64", ...).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined <see cref="DType"/>.</exception>
    public static string ToSafeTensorsName(this DType dtype) => dtype switch
    {
        DType.UInt8 => "U8",
        DType.Int8 => "I8",
        DType.Int16 => "I16",
        DType.Int32 => "I32",
        DType.Int64 => "I64",
        DType.Float16 => "F16",
        DType.Float32 => "F32",
        DType.Float64 => "F64",
        DType.Bool => "BOOL",
        DType.BFloat16 => "BF16",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"Unknown dtype code {(int)dtype}."),
    };

    /// <summary>Parses a safetensors dtype name. Names are case-sensitive, as in the format.</summary>
    /// <returns>False for names this project does not support (for example "F8_E4M3" or "U64").</returns>
    public static bool TryParseSafeTensorsName(string? name, out DType dtype)
    {
        DType? parsed = name switch
        {
            "U8" => DType.UInt8,
            "I8" => DType.Int8,
            "I16" => DType.Int16,
            "I32" => DType.Int32,
            "I64" => DType.Int64,
            "F16" => DType.Float16,
            "F32" => DType.Float32,
            "F64" => DType.Float64,
            "BOOL" => DType.Bool,
            "BF16" => DType.BFloat16,
            _ => null,
        };
        dtype = parsed.GetValueOrDefault();
        return parsed is not null;
    }

    /// <summary>Parses a safetensors dtype name.</summary>
    /// <exception cref="FormatException">The name is not a supported safetensors dtype.</exception>
    public static DType ParseSafeTensorsName(string name) =>
        TryParseSafeTensorsName(name, out var dtype)
            ? dtype
            : throw new FormatException($"Unsupported safetensors dtype '{name}'; supported: U8, I8, I16, I32, I64, F16, BF16, F32, F64, BOOL.");
}
