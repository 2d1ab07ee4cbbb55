using FedTransfer.Weights;

namespace FedTransfer.Federation.Updates;

/// <summary>
/// How a site encodes its delta tensors for one run (a run setting: <c>run start --update-encoding</c>). The numeric values
/// equal the wire enum <c>fedtransfer.v1.UpdateEncoding</c>. The trainable set always describes the tensors as trained; the
/// encoding decides the dtype each travels in, and the coordinator decodes back before aggregating.
/// </summary>
public enum DeltaEncoding
{
    /// <summary>As trained (the trainable set's dtype, normally F32): lossless.</summary>
    Float32 = 0,

    /// <summary>F16, round to nearest even: half the bytes; relative error ≤ 2⁻¹¹ for |x| ≥ 2⁻¹⁴, absolute ≤ 2⁻²⁵ below; |x| &gt; 65504 is refused.</summary>
    Float16 = 1,

    /// <summary>BF16, round to nearest even: half the bytes, float32's range; relative error ≤ 2⁻⁸.</summary>
    BFloat16 = 2,

    /// <summary>U8 per-tensor affine quantisation x ≈ scale·(q − zero_point) (see <see cref="AffineInt8"/>): a quarter of the bytes; error ≤ scale/2.</summary>
    AffineInt8 = 3,
}

/// <summary>Names and wire dtypes of <see cref="DeltaEncoding"/>.</summary>
public static class DeltaEncodings
{
    /// <summary>The names <c>run start --update-encoding</c> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = ["float32", "float16", "bfloat16", "int8"];

    /// <summary>The setting's text: float32, float16, bfloat16 or int8.</summary>
    public static string ToText(this DeltaEncoding encoding) => encoding switch
    {
        DeltaEncoding.Float32 => "float32",
        DeltaEncoding.Float16 => "float16",
        DeltaEncoding.BFloat16 => "bfloat16",
        DeltaEncoding.AffineInt8 => "int8",
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, $"unknown update encoding {(int)encoding}"),
    };

    /// <summary>Parses float32, float16 (or f16), bfloat16 (or bf16), int8; case-insensitive.</summary>
    /// <exception cref="ArgumentException">Any other text; the message lists the accepted names.</exception>
    public static DeltaEncoding Parse(string? text) => (text ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "float32" or "f32" => DeltaEncoding.Float32,
        "float16" or "f16" => DeltaEncoding.Float16,
        "bfloat16" or "bf16" => DeltaEncoding.BFloat16,
        "int8" or "q8" => DeltaEncoding.AffineInt8,
        _ => throw new ArgumentException($"unknown update encoding '{text}'; use one of {string.Join(", ", Names)}"),
    };

    /// <summary>True for the values this version defines (a newer peer may send others).</summary>
    public static bool IsDefined(DeltaEncoding encoding) => encoding is >= DeltaEncoding.Float32 and <= DeltaEncoding.AffineInt8;

    /// <summary>The dtype a tensor trained as <paramref name="trained"/> travels in under <paramref name="encoding"/>.</summary>
    public static DType WireDType(this DeltaEncoding encoding, DType trained) => encoding switch
    {
        DeltaEncoding.Float32 => trained,
        DeltaEncoding.Float16 => DType.Float16,
        DeltaEncoding.BFloat16 => DType.BFloat16,
        DeltaEncoding.AffineInt8 => DType.UInt8,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, $"unknown update encoding {(int)encoding}"),
    };
}
