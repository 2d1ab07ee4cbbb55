namespace FedTransfer.Federation.SecureAggregation;

/// <summary>
/// Fixed-point encoding of bounded real values into the ring Z mod 2^32, sized so that the sum of up to
/// <see cref="MaxSites"/> encoded vectors cannot wrap. Each value v is clamped to [-B, B] and encoded as
/// round(v·s) mod 2^32 with s = ((2^31 - 1)/n - 1/2)/B, so |Σ round(vᵢ·s)| ≤ n·(B·s + 1/2) ≤ 2^31 - 1 and the sum,
/// read back as a signed 32-bit integer, is exact. Decoding divides by s; each value's rounding error is at most 1/(2s),
/// so a decoded sum of n values is within <see cref="SumErrorBound"/> = n/(2s) of the plain sum of the clamped values.
/// 32 bits keep the masked upload the size of a float32 one.
/// </summary>
public sealed class FixedPointRing
{
    /// <summary>Creates the encoding for values bounded by <paramref name="bound"/> summed over at most <paramref name="maxSites"/> sites.</summary>
    /// <exception cref="ArgumentOutOfRangeException">bound not positive and finite, or maxSites not in 1..65536.</exception>
    public FixedPointRing(double bound, int maxSites)
    {
        if (!(bound > 0) || !double.IsFinite(bound))
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "the fixed-point bound must be a positive finite number");
        if (maxSites is < 1 or > MaxSupportedSites)
            throw new ArgumentOutOfRangeException(nameof(maxSites), maxSites, $"secure aggregation supports 1..{MaxSupportedSites} sites per round");
        Bound = bound;
        MaxSites = maxSites;
        Scale = ((int.MaxValue / (double)maxSites) - 0.5) / bound;
    }

    /// <summary>Most sites per round the ring is sized for: beyond it the scale leaves too few bits per value.</summary>
    public const int MaxSupportedSites = 65_536;

    /// <summary>The largest magnitude a value may have; larger ones are clamped.</summary>
    public double Bound { get; }

    /// <summary>The number of vectors whose sum cannot wrap.</summary>
    public int MaxSites { get; }

    /// <summary>Ring units per unit value.</summary>
    public double Scale { get; }

    /// <summary>The largest difference between a decoded sum of <see cref="MaxSites"/> vectors and the plain sum of the clamped values.</summary>
    public double SumErrorBound => MaxSites / (2 * Scale);

    /// <summary>Encodes each value (clamped to ±<see cref="Bound"/>; NaN refused) into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">A NaN value, or the lengths differ.</exception>
    public void Encode(ReadOnlySpan<float> values, Span<uint> destination)
    {
        if (values.Length != destination.Length) throw new ArgumentException($"cannot encode {values.Length} values into {destination.Length} ring elements");
        for (var i = 0; i < values.Length; i++)
        {
            double v = values[i];
            if (double.IsNaN(v)) throw new ArgumentException($"value {i} is NaN; a secure aggregation input must be finite");
            destination[i] = EncodeOne(Math.Clamp(v, -Bound, Bound));
        }
    }

    /// <summary>One clamped value as a ring element.</summary>
    public uint EncodeOne(double clamped) => unchecked((uint)(int)Math.Round(clamped * Scale, MidpointRounding.AwayFromZero));

    /// <summary>Decodes a sum of at most <see cref="MaxSites"/> encoded vectors.</summary>
    public void DecodeSum(ReadOnlySpan<uint> sum, Span<double> destination)
    {
        if (sum.Length != destination.Length) throw new ArgumentException($"cannot decode {sum.Length} ring elements into {destination.Length} values");
        for (var i = 0; i < sum.Length; i++) destination[i] = DecodeOne(sum[i]);
    }

    /// <summary>One summed ring element as a value.</summary>
    public double DecodeOne(uint sum) => unchecked((int)sum) / Scale;
}
