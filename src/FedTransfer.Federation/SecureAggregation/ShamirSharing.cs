using System.Numerics;
using System.Security.Cryptography;

namespace FedTransfer.Federation.SecureAggregation;

/// <summary>One holder's Shamir share: the polynomial evaluated at the holder's x (1-based, never 0, which is the secret).</summary>
public readonly record struct ShamirShare(int X, BigInteger Y);

/// <summary>
/// t-of-n Shamir secret sharing (Shamir, CACM 1979) over the prime field GF(2^521 - 1), a Mersenne prime large enough
/// to hold a 32-byte secret (a seed or a P-256 private scalar) as one field element, so one share per secret and holder.
/// Any t shares give the secret by Lagrange interpolation at 0; fewer reveal nothing about it.
/// </summary>
public static class ShamirSharing
{
    /// <summary>The field's prime, 2^521 - 1.</summary>
    public static readonly BigInteger Prime = (BigInteger.One << 521) - 1;

    /// <summary>Bytes of a share's Y on the wire (little-endian, fixed width).</summary>
    public const int ShareBytes = 66;

    /// <summary>Largest secret in bytes.</summary>
    public const int MaxSecretBytes = 64;

    /// <summary>Splits <paramref name="secret"/> (big-endian unsigned) into one share per x in <paramref name="holders"/>, any <paramref name="threshold"/> of which recover it.</summary>
    /// <exception cref="ArgumentException">Threshold outside 1..holders, repeated or non-positive x, or a secret over 64 bytes.</exception>
    public static ShamirShare[] Split(ReadOnlySpan<byte> secret, IReadOnlyList<int> holders, int threshold)
    {
        if (secret.Length is 0 or > MaxSecretBytes) throw new ArgumentException($"a shared secret holds 1..{MaxSecretBytes} bytes, got {secret.Length}");
        if (threshold < 1 || threshold > holders.Count) throw new ArgumentException($"threshold {threshold} must be between 1 and the {holders.Count} holders");
        if (holders.Any(x => x < 1) || holders.Distinct().Count() != holders.Count) throw new ArgumentException("share holders need distinct positive x coordinates");
        var coefficients = new BigInteger[threshold];
        coefficients[0] = new BigInteger(secret, isUnsigned: true, isBigEndian: true);
        for (var i = 1; i < threshold; i++) coefficients[i] = RandomElement();
        var shares = new ShamirShare[holders.Count];
        for (var h = 0; h < holders.Count; h++)
        {
            var x = new BigInteger(holders[h]);
            var y = BigInteger.Zero;
            for (var i = threshold - 1; i >= 0; i--) y = ((y * x) + coefficients[i]) % Prime; // Horner
            shares[h] = new ShamirShare(holders[h], y);
        }
        return shares;
    }

    /// <summary>The secret from at least threshold shares, as <paramref name="secretBytes"/> big-endian bytes.</summary>
    /// <param name="coefficients">The Lagrange coefficients of the shares' x coordinates (<see cref="LagrangeAtZero"/>), when the caller keeps them for reuse.</param>
    /// <exception cref="ArgumentException">No shares, repeated x, or a result that does not fit the secret's size (shares of different secrets mixed).</exception>
    public static byte[] Combine(IReadOnlyList<ShamirShare> shares, int secretBytes, IReadOnlyList<BigInteger>? coefficients = null)
    {
        if (shares.Count == 0) throw new ArgumentException("no shares to combine");
        coefficients ??= LagrangeAtZero(shares.Select(s => s.X).ToArray());
        if (coefficients.Count != shares.Count) throw new ArgumentException($"{coefficients.Count} Lagrange coefficients for {shares.Count} shares");
        var secret = BigInteger.Zero;
        for (var i = 0; i < shares.Count; i++) secret = (secret + (shares[i].Y * coefficients[i])) % Prime;
        var bytes = secret.ToByteArray(isUnsigned: true, isBigEndian: true);
        if (bytes.Length > secretBytes) throw new ArgumentException("the shares do not combine into a secret of the expected size; they belong to different secrets or were altered");
        var padded = new byte[secretBytes];
        bytes.CopyTo(padded, secretBytes - bytes.Length);
        return padded;
    }

    /// <summary>
    /// The Lagrange basis at 0 for the x coordinates <paramref name="xs"/>: ℓᵢ = Πⱼ≠ᵢ xⱼ / Πⱼ≠ᵢ (xⱼ - xᵢ) mod p. They depend
    /// on the x coordinates only, so secrets shared among the same holders reuse them.
    /// </summary>
    /// <exception cref="ArgumentException">Repeated or non-positive x.</exception>
    public static BigInteger[] LagrangeAtZero(IReadOnlyList<int> xs)
    {
        if (xs.Any(x => x < 1) || xs.Distinct().Count() != xs.Count) throw new ArgumentException("shares to combine need distinct positive x coordinates");
        var coefficients = new BigInteger[xs.Count];
        for (var i = 0; i < xs.Count; i++)
        {
            BigInteger numerator = BigInteger.One, denominator = BigInteger.One;
            for (var j = 0; j < xs.Count; j++)
            {
                if (j == i) continue;
                numerator = numerator * xs[j] % Prime;
                denominator = denominator * Mod(xs[j] - xs[i]) % Prime;
            }
            coefficients[i] = numerator * Inverse(denominator) % Prime;
        }
        return coefficients;
    }

    // Extended Euclid: with small-integer denominators it takes a few steps, where Fermat's a^(p-2) takes 521 squarings.
    private static BigInteger Inverse(BigInteger value)
    {
        BigInteger r0 = Prime, r1 = value, t0 = BigInteger.Zero, t1 = BigInteger.One;
        while (!r1.IsZero)
        {
            var q = BigInteger.DivRem(r0, r1, out var r2);
            (r0, r1) = (r1, r2);
            (t0, t1) = (t1, t0 - (q * t1));
        }
        if (!r0.IsOne) throw new ArgumentException("a Lagrange denominator is not invertible in the field");
        return Mod(t0);
    }

    /// <summary>A share's Y in its fixed wire form.</summary>
    public static byte[] Encode(BigInteger y)
    {
        var bytes = new byte[ShareBytes];
        if (!y.TryWriteBytes(bytes, out _, isUnsigned: true, isBigEndian: false)) throw new ArgumentException("a share value lies outside the field");
        return bytes;
    }

    /// <summary>A share's Y from its wire form.</summary>
    /// <exception cref="ArgumentException">Not <see cref="ShareBytes"/> bytes, or not a field element.</exception>
    public static BigInteger Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != ShareBytes) throw new ArgumentException($"a share value is {ShareBytes} bytes, got {bytes.Length}");
        var y = new BigInteger(bytes, isUnsigned: true, isBigEndian: false);
        if (y >= Prime) throw new ArgumentException("a share value lies outside the field");
        return y;
    }

    private static BigInteger Mod(BigInteger value) => ((value % Prime) + Prime) % Prime;

    private static BigInteger RandomElement()
    {
        // 80 random bytes reduced mod p: the bias (< 2^-119) is far below any attacker's advantage.
        var bytes = RandomNumberGenerator.GetBytes(80);
        return new BigInteger(bytes, isUnsigned: true) % Prime;
    }
}
