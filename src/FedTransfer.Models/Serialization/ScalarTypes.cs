using FedTransfer.Weights;
using static TorchSharp.torch;

namespace FedTransfer.Models.Serialization;

/// <summary>The one mapping between the safetensors dtypes of <see cref="DType"/> and TorchSharp's <see cref="ScalarType"/>.</summary>
public static class ScalarTypes
{
    /// <summary>TorchSharp's type for <paramref name="dtype"/>.</summary>
    public static ScalarType ToScalarType(this DType dtype) => dtype switch
    {
        DType.Float32 => ScalarType.Float32,
        DType.Float64 => ScalarType.Float64,
        DType.Float16 => ScalarType.Float16,
        DType.BFloat16 => ScalarType.BFloat16,
        DType.Int64 => ScalarType.Int64,
        DType.Int32 => ScalarType.Int32,
        DType.Int16 => ScalarType.Int16,
        DType.Int8 => ScalarType.Int8,
        DType.UInt8 => ScalarType.Byte,
        DType.Bool => ScalarType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, $"dtype {dtype} has no TorchSharp equivalent"),
    };

    /// <summary>The safetensors dtype for <paramref name="type"/>.</summary>
    public static DType ToDType(this ScalarType type) => type switch
    {
        ScalarType.Float32 => DType.Float32,
        ScalarType.Float64 => DType.Float64,
        ScalarType.Float16 => DType.Float16,
        ScalarType.BFloat16 => DType.BFloat16,
        ScalarType.Int64 => DType.Int64,
        ScalarType.Int32 => DType.Int32,
        ScalarType.Int16 => DType.Int16,
        ScalarType.Int8 => DType.Int8,
        ScalarType.Byte => DType.UInt8,
        ScalarType.Bool => DType.Bool,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, $"tensor type {type} cannot be stored as safetensors here"),
    };
}
