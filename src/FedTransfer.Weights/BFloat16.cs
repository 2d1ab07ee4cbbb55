using System.Globalization;

namespace FedTransfer.Weights;

/// <summary>
/// A bfloat16 value: the upper 16 bits of an IEEE float32. Conversion from float rounds to nearest even
/// (as libtorch does) and keeps NaN a NaN.
/// </summary>
public readonly struct BFloat16 : IEquatable<BFloat16>
{
    /// <summary>Wraps raw bits.</summary>
    public BFloat16(ushort bits) => Bits = bits;

    /// <summary>The raw 16 bits.</summary>
    public ushort Bits { get; }

    /// <summary>Rounds a float to the nearest bfloat16 (ties to even).</summary>
    public static BFloat16 FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            // Keep a quiet NaN with the sign; truncation could turn a NaN with only low payload bits into infinity.
            return new BFloat16((ushort)((bits >> 16) | 0x0040));
        }

        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return new BFloat16((ushort)((bits + roundingBias) >> 16));
    }

    /// <summary>Widens exactly to float.</summary>
    public float ToSingle() => BitConverter.UInt32BitsToSingle((uint)Bits << 16);

    /// <summary>Rounds a float to bfloat16.</summary>
    public static explicit operator BFloat16(float value) => FromSingle(value);

    /// <summary>Widens to float (exact).</summary>
    public static implicit operator float(BFloat16 value) => value.ToSingle();

    /// <inheritdoc />
    public bool Equals(BFloat16 other) => Bits == other.Bits;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is BFloat16 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Bits;

    /// <inheritdoc />
    public override string ToString() => ToSingle().ToString(CultureInfo.InvariantCulture);

    /// <summary>Bitwise equality.</summary>
    public static bool operator ==(BFloat16 left, BFloat16 right) => left.Equals(right);

    /// <summary>Bitwise inequality.</summary>
    public static bool operator !=(BFloat16 left, BFloat16 right) => !left.Equals(right);
}
