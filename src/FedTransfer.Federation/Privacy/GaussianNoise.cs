using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FedTransfer.Federation.Privacy;

/// <summary>
/// Standard normal samples for differential privacy (the site's local noise, the coordinator's central noise). Production draws from the operating system's CSPRNG: the
/// privacy guarantee holds only if whoever sees the noised delta (the coordinator) cannot predict the noise. A seed the
/// coordinator chose (the task's seed) would let it regenerate and subtract the noise; a seed derived from a site secret
/// is safe only while the secret is, and a seeded non-cryptographic generator's state can be recovered from its
/// outputs. Reproducibility is not needed (the ledger records what was sent), so nothing here is seedable except
/// <see cref="Seeded"/>, which tests use for exact statistics.
/// </summary>
public sealed class GaussianNoise
{
    private const double TwoToMinus53 = 1.0 / (1UL << 53);
    private readonly Action<Span<byte>> _fill;
    private readonly byte[] _buffer = new byte[4096];
    private int _at;
    private double? _spare;

    private GaussianNoise(Action<Span<byte>> fill)
    {
        _fill = fill;
        _at = _buffer.Length;
    }

    /// <summary>Noise from the OS CSPRNG (<see cref="RandomNumberGenerator"/>): what sites and the coordinator use.</summary>
    public static GaussianNoise Secure() => new(RandomNumberGenerator.Fill);

    /// <summary>Reproducible noise for tests and in-process experiments only: predictable, so it gives no privacy.</summary>
    public static GaussianNoise Seeded(int seed)
    {
        var random = new Random(seed);
        return new GaussianNoise(random.NextBytes);
    }

    /// <summary>One sample of N(0, 1) (Marsaglia's polar method: two samples per accepted pair, no trigonometry).</summary>
    public double Next()
    {
        if (_spare is { } spare)
        {
            _spare = null;
            return spare;
        }
        double u, v, s;
        do
        {
            u = 2 * Uniform() - 1;
            v = 2 * Uniform() - 1;
            s = u * u + v * v;
        }
        while (s >= 1 || s == 0);
        var factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spare = v * factor;
        return u * factor;
    }

    // 53 random bits: every double in [0, 1) on the 2^-53 grid, equally likely.
    private double Uniform()
    {
        if (_at + 8 > _buffer.Length)
        {
            _fill(_buffer);
            _at = 0;
        }
        var bits = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.AsSpan(_at)) >> 11;
        _at += 8;
        return bits * TwoToMinus53;
    }
}
