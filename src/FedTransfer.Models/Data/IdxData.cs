using System.Buffers.Binary;

namespace FedTransfer.Models.Data;

/// <summary>Element types an IDX file can hold (the third byte of its magic number).</summary>
public enum IdxElementType : byte
{
    /// <summary>Unsigned byte.</summary>
    UInt8 = 0x08,
    /// <summary>Signed byte.</summary>
    Int8 = 0x09,
    /// <summary>Big-endian 16-bit integer.</summary>
    Int16 = 0x0B,
    /// <summary>Big-endian 32-bit integer.</summary>
    Int32 = 0x0C,
    /// <summary>Big-endian float32.</summary>
    Float32 = 0x0D,
    /// <summary>Big-endian float64.</summary>
    Float64 = 0x0E,
}

/// <summary>The contents of an IDX file: element type, dimensions and the raw (big-endian) element bytes.</summary>
public sealed class IdxData
{
    private readonly byte[] _raw;

    internal IdxData(IdxElementType elementType, int[] shape, byte[] raw)
    {
        ElementType = elementType;
        Shape = shape;
        _raw = raw;
    }

    /// <summary>Element type.</summary>
    public IdxElementType ElementType { get; }

    /// <summary>Dimensions, outermost first (for images: count, rows, columns).</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>Number of elements.</summary>
    public long Count => _raw.Length / ElementSize(ElementType);

    /// <summary>The element bytes as stored: big-endian for multi-byte types.</summary>
    public ReadOnlyMemory<byte> RawBytes => _raw;

    /// <summary>Every element converted to double (exact for all IDX types).</summary>
    public double[] ToDoubles()
    {
        var result = new double[Count];
        ReadOnlySpan<byte> s = _raw;
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = ElementType switch
            {
                IdxElementType.UInt8 => s[i],
                IdxElementType.Int8 => (sbyte)s[i],
                IdxElementType.Int16 => BinaryPrimitives.ReadInt16BigEndian(s[(i * 2)..]),
                IdxElementType.Int32 => BinaryPrimitives.ReadInt32BigEndian(s[(i * 4)..]),
                IdxElementType.Float32 => BinaryPrimitives.ReadSingleBigEndian(s[(i * 4)..]),
                _ => BinaryPrimitives.ReadDoubleBigEndian(s[(i * 8)..]),
            };
        }
        return result;
    }

    /// <summary>The elements as bytes; only for <see cref="IdxElementType.UInt8"/> files (images, labels).</summary>
    /// <exception cref="InvalidOperationException">The file holds another element type.</exception>
    public ReadOnlySpan<byte> AsBytes() => ElementType == IdxElementType.UInt8
        ? _raw
        : throw new InvalidOperationException($"IDX data holds {ElementType}, not UInt8; use ToDoubles().");

    internal static int ElementSize(IdxElementType type) => type switch
    {
        IdxElementType.UInt8 or IdxElementType.Int8 => 1,
        IdxElementType.Int16 => 2,
        IdxElementType.Int32 or IdxElementType.Float32 => 4,
        IdxElementType.Float64 => 8,
        _ => 0,
    };
}
