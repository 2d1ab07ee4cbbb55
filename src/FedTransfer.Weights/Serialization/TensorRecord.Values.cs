using System.Runtime.InteropServices;

namespace FedTransfer.Weights.Serialization;

/// <summary>Typed views of a record's bytes, so callers without a native Tensor (coordinator, tests) can use the values.</summary>
public sealed partial record TensorRecord
{
    /// <summary>Creates a record from typed values (copied, stored little-endian).</summary>
    /// <typeparam name="T">byte, sbyte, short, int, long, Half, float, double or bool.</typeparam>
    /// <exception cref="ArgumentException">The value count does not match the shape.</exception>
    public static TensorRecord Create<T>(string name, ReadOnlySpan<T> values, params long[] shape) where T : unmanaged
    {
        var dtype = DTypeOf<T>();
        var count = TensorShape.CountElements(shape);
        if (count != values.Length)
            throw new ArgumentException($"Tensor '{name}': {values.Length} values do not fill shape {TensorShape.Format(shape)} ({count} elements).");
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian) ReverseElements(bytes, dtype.ElementSize());
        return new TensorRecord(name, dtype, shape, bytes);
    }

    /// <summary>Copies the values out as <typeparamref name="T"/>, which must match <see cref="DType"/> exactly.</summary>
    /// <exception cref="InvalidOperationException">The type does not match the record's dtype.</exception>
    public T[] ToArray<T>() where T : unmanaged
    {
        if (DTypeOf<T>() != DType)
            throw new InvalidOperationException($"Tensor '{Name}' is {DType.ToSafeTensorsName()}; it cannot be read as {typeof(T).Name}.");
        var result = MemoryMarshal.Cast<byte, T>(Data.Span).ToArray();
        if (!BitConverter.IsLittleEndian) ReverseElements(MemoryMarshal.AsBytes(result.AsSpan()), DType.ElementSize());
        return result;
    }

    /// <summary>The values widened or narrowed to float32, from F16, BF16, F32 or F64 data (for aggregation math).</summary>
    /// <exception cref="InvalidOperationException">The dtype is not a floating-point type.</exception>
    public float[] ToSingles()
    {
        var span = Data.Span;
        var result = new float[span.Length / Math.Max(1, DType.ElementSize())];
        switch (DType)
        {
            case DType.Float32:
                for (var i = 0; i < result.Length; i++) result[i] = BitConverter.Int32BitsToSingle(ReadInt32(span, i * 4));
                break;
            case DType.Float64:
                for (var i = 0; i < result.Length; i++) result[i] = (float)BitConverter.Int64BitsToDouble(ReadInt64(span, i * 8));
                break;
            case DType.Float16:
                for (var i = 0; i < result.Length; i++) result[i] = (float)BitConverter.UInt16BitsToHalf(ReadUInt16(span, i * 2));
                break;
            case DType.BFloat16:
                for (var i = 0; i < result.Length; i++) result[i] = BitConverter.Int32BitsToSingle(ReadUInt16(span, i * 2) << 16);
                break;
            default:
                throw new InvalidOperationException($"Tensor '{Name}' is {DType.ToSafeTensorsName()}, not floating point; use ToArray<T>().");
        }
        return result;
    }

    /// <summary>Creates a floating-point record from float32 values, rounding to <paramref name="dtype"/>
    /// (F16 and BF16 round to nearest even, as PyTorch does).</summary>
    public static TensorRecord FromSingles(string name, ReadOnlySpan<float> values, DType dtype, params long[] shape)
    {
        var count = TensorShape.CountElements(shape);
        if (count != values.Length)
            throw new ArgumentException($"Tensor '{name}': {values.Length} values do not fill shape {TensorShape.Format(shape)} ({count} elements).");
        var size = dtype.ElementSize();
        var bytes = new byte[values.Length * size];
        for (var i = 0; i < values.Length; i++)
        {
            var slot = bytes.AsSpan(i * size, size);
            switch (dtype)
            {
                case DType.Float32: WriteLittle(slot, (ulong)(uint)BitConverter.SingleToInt32Bits(values[i])); break;
                case DType.Float64: WriteLittle(slot, (ulong)BitConverter.DoubleToInt64Bits(values[i])); break;
                case DType.Float16: WriteLittle(slot, BitConverter.HalfToUInt16Bits((Half)values[i])); break;
                case DType.BFloat16: WriteLittle(slot, ToBFloat16Bits(values[i])); break;
                default: throw new ArgumentException($"Tensor '{name}': FromSingles needs a floating-point dtype, not {dtype}.", nameof(dtype));
            }
        }
        return new TensorRecord(name, dtype, shape, bytes);
    }

    private static ushort ToBFloat16Bits(float value)
    {
        var bits = (uint)BitConverter.SingleToInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40); // keep it a NaN after truncation
        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return (ushort)((bits + roundingBias) >> 16);
    }

    internal static DType DTypeOf<T>() where T : unmanaged => default(T) switch
    {
        byte => DType.UInt8,
        sbyte => DType.Int8,
        short => DType.Int16,
        int => DType.Int32,
        long => DType.Int64,
        Half => DType.Float16,
        float => DType.Float32,
        double => DType.Float64,
        bool => DType.Bool,
        _ => throw new NotSupportedException($"{typeof(T).Name} has no safetensors dtype; use the raw-bytes constructor (e.g. for BF16)."),
    };

    private static void ReverseElements(Span<byte> bytes, int size)
    {
        for (var i = 0; i + size <= bytes.Length; i += size) bytes.Slice(i, size).Reverse();
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> s, int at) => System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(s[at..]);
    private static int ReadInt32(ReadOnlySpan<byte> s, int at) => System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(s[at..]);
    private static long ReadInt64(ReadOnlySpan<byte> s, int at) => System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(s[at..]);

    private static void WriteLittle(Span<byte> slot, ulong value)
    {
        for (var i = 0; i < slot.Length; i++) slot[i] = (byte)(value >> (8 * i));
    }
}
