using System.Text;

namespace FedTransfer.Federation.Sampling;

/// <summary>
/// Deterministic, platform-independent seed mixing (SplitMix64 finaliser over an FNV-1a hash of names), so sampling and
/// per-task seeds are the same on every machine and .NET version for the same run seed. Not cryptographic.
/// </summary>
public static class SeedDerivation
{
    /// <summary>The seed a site uses for its task in <paramref name="round"/> of a run seeded with <paramref name="runSeed"/>.</summary>
    public static long ForTask(long runSeed, int round, string siteId) =>
        (long)(Mix(Mix((ulong)runSeed ^ 0x5EED_7A5C_0000_0000UL) ^ (ulong)round) ^ Hash(siteId)) & long.MaxValue;

    /// <summary>A pseudo-random 64-bit key for <paramref name="siteId"/> in <paramref name="round"/>; independent across rounds.</summary>
    public static ulong SamplingKey(long runSeed, int round, string siteId) =>
        Mix(Mix(Mix((ulong)runSeed) + (ulong)round) ^ Hash(siteId));

    /// <summary>SplitMix64's finaliser: a bijection on 64-bit values with good avalanche.</summary>
    public static ulong Mix(ulong z)
    {
        z += 0x9E37_79B9_7F4A_7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>FNV-1a over the UTF-8 bytes of <paramref name="text"/>, then mixed.</summary>
    public static ulong Hash(string text)
    {
        var h = 0xCBF2_9CE4_8422_2325UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            h ^= b;
            h *= 0x0000_0100_0000_01B3UL;
        }
        return Mix(h);
    }
}
