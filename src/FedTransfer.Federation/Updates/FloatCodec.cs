using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using FedTransfer.Weights;

namespace FedTransfer.Federation.Updates;

/// <summary>
/// Element-wise work on raw little-endian F32 / F16 / BF16 tensor bytes, vectorised with <see cref="Vector{T}"/>:
/// finding non-finite values, accumulating <c>sum += w · x</c> into float32, and encoding float32 back.
/// Kept in one place so the validator and the accumulators agree on what the bytes mean.
/// </summary>
internal static class FloatCodec
{
    private const uint F32Exponent = 0x7F80_0000;
    private const ushort F16Exponent = 0x7C00;
    private const ushort Bf16Exponent = 0x7F80;

    /// <summary>True for the element types an update may use.</summary>
    public static bool IsSupported(DType dtype) => dtype is DType.Float32 or DType.Float16 or DType.BFloat16;

    /// <summary>
    /// Index of the first NaN or infinity in <paramref name="data"/>, or -1 when all values are finite.
    /// A value is non-finite exactly when all its exponent bits are set, in all three formats.
    /// </summary>
    public static long FirstNonFinite(ReadOnlySpan<byte> data, DType dtype, out bool isNaN)
    {
        isNaN = false;
        return dtype switch
        {
            DType.Float32 => FirstAllSet(MemoryMarshal.Cast<byte, uint>(data), F32Exponent, 0x007F_FFFFu, out isNaN),
            DType.Float16 => FirstAllSet(MemoryMarshal.Cast<byte, ushort>(data), F16Exponent, (ushort)0x03FF, out isNaN),
            DType.BFloat16 => FirstAllSet(MemoryMarshal.Cast<byte, ushort>(data), Bf16Exponent, (ushort)0x007F, out isNaN),
            _ => throw Unsupported(dtype),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops: skip the slow first JIT tier
    private static long FirstAllSet<T>(ReadOnlySpan<T> bits, T exponent, T mantissa, out bool isNaN)
        where T : unmanaged, IBinaryInteger<T>
    {
        isNaN = false;
        var i = 0;
        if (Vector.IsHardwareAccelerated && bits.Length >= Vector<T>.Count)
        {
            var mask = new Vector<T>(exponent);
            for (; i <= bits.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                if (Vector.EqualsAny(new Vector<T>(bits[i..]) & mask, mask)) break;
            }
        }
        for (; i < bits.Length; i++)
        {
            if ((bits[i] & exponent) == exponent)
            {
                isNaN = (bits[i] & mantissa) != T.Zero;
                return i;
            }
        }
        return -1;
    }

    /// <summary>sum[i] += weight · x[i] for every element, x decoded from <paramref name="data"/> in <paramref name="dtype"/>.</summary>
    public static void AccumulateScaled(ReadOnlySpan<byte> data, DType dtype, float weight, Span<float> sum)
    {
        var n = data.Length / dtype.ElementSize();
        if (n != sum.Length)
            throw new ArgumentException($"{n} elements of data for an accumulator of {sum.Length}");
        switch (dtype)
        {
            case DType.Float32: AccumulateF32(MemoryMarshal.Cast<byte, float>(data), weight, sum); break;
            case DType.BFloat16: AccumulateBf16(MemoryMarshal.Cast<byte, ushort>(data), weight, sum); break;
            case DType.Float16: AccumulateF16(MemoryMarshal.Cast<byte, ushort>(data), weight, sum); break;
            default: throw Unsupported(dtype);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops: skip the slow first JIT tier
    private static void AccumulateF32(ReadOnlySpan<float> x, float weight, Span<float> sum)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = new Vector<float>(weight);
            var sumV = MemoryMarshal.Cast<float, Vector<float>>(sum);
            for (var v = 0; v < sumV.Length; v++, i += Vector<float>.Count)
                sumV[v] += new Vector<float>(x[i..]) * w;
        }
        for (; i < x.Length; i++) sum[i] += x[i] * weight;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops: skip the slow first JIT tier
    private static void AccumulateBf16(ReadOnlySpan<ushort> x, float weight, Span<float> sum)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var w = new Vector<float>(weight);
            var step = Vector<ushort>.Count;
            for (; i <= x.Length - step; i += step)
            {
                // bfloat16 is the top half of a float32: widen and shift into place.
                Vector.Widen(new Vector<ushort>(x[i..]), out var lo, out var hi);
                var s0 = sum.Slice(i, Vector<float>.Count);
                var s1 = sum.Slice(i + Vector<float>.Count, Vector<float>.Count);
                (new Vector<float>(s0) + Vector.AsVectorSingle(lo << 16) * w).CopyTo(s0);
                (new Vector<float>(s1) + Vector.AsVectorSingle(hi << 16) * w).CopyTo(s1);
            }
        }
        for (; i < x.Length; i++) sum[i] += BitConverter.Int32BitsToSingle(x[i] << 16) * weight;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops: skip the slow first JIT tier
    private static void AccumulateF16(ReadOnlySpan<ushort> x, float weight, Span<float> sum)
    {
        for (var i = 0; i < x.Length; i++) sum[i] += (float)BitConverter.UInt16BitsToHalf(x[i]) * weight;
    }

    /// <summary>Decodes one element (for references and messages).</summary>
    public static float Decode(ReadOnlySpan<byte> data, DType dtype, long index) => dtype switch
    {
        DType.Float32 => MemoryMarshal.Cast<byte, float>(data)[(int)index],
        DType.BFloat16 => BitConverter.Int32BitsToSingle(MemoryMarshal.Cast<byte, ushort>(data)[(int)index] << 16),
        DType.Float16 => (float)BitConverter.UInt16BitsToHalf(MemoryMarshal.Cast<byte, ushort>(data)[(int)index]),
        _ => throw Unsupported(dtype),
    };

    /// <summary>Writes float32 values into <paramref name="destination"/> in <paramref name="dtype"/>, rounding to nearest even.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot loops: skip the slow first JIT tier
    public static void Encode(ReadOnlySpan<float> values, DType dtype, Span<byte> destination)
    {
        switch (dtype)
        {
            case DType.Float32:
                MemoryMarshal.AsBytes(values).CopyTo(destination);
                break;
            case DType.Float16:
                var half = MemoryMarshal.Cast<byte, ushort>(destination);
                for (var i = 0; i < values.Length; i++) half[i] = BitConverter.HalfToUInt16Bits((Half)values[i]);
                break;
            case DType.BFloat16:
                var bf = MemoryMarshal.Cast<byte, ushort>(destination);
                for (var i = 0; i < values.Length; i++) bf[i] = ToBFloat16(values[i]);
                break;
            default:
                throw Unsupported(dtype);
        }
    }

    private static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x0040); // keep it a NaN after truncation
        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    private static NotSupportedException Unsupported(DType dtype) =>
        new($"dtype {dtype} is not a floating type FedTransfer averages; use F32, F16 or BF16");
}
