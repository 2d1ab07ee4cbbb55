using System.Numerics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace FedTransfer.Federation.SecureAggregation;

/// <summary>
/// Expands a 32-byte seed into a pseudorandom vector over Z mod 2^32 and adds it to (or subtracts it from) a vector in
/// place: AES-128 in counter mode, keyed by the seed's first 16 bytes with its last 16 as the initial counter block (the
/// keystream, read as little-endian 32-bit words, is the mask; AES-128 rather than 256 for speed, its 128-bit security
/// matching the P-256 keys that agree the seeds).
/// Two parties holding the same seed produce the same mask, so one adds and the other subtracts and the pair cancels in
/// the sum. The keystream is made a block of counters at a time so memory stays bounded for large vectors.
/// </summary>
public static class MaskExpansion
{
    /// <summary>Bytes of a mask seed: an AES-128 key and an initial counter block.</summary>
    public const int SeedBytes = 32;

    private const int ChunkWords = 16_384; // 64 KiB of keystream per AES call

    /// <summary>Adds the mask of <paramref name="seed"/> to <paramref name="target"/> (mod 2^32).</summary>
    public static void Add(ReadOnlySpan<byte> seed, Span<uint> target) => Apply(seed, target, subtract: false);

    /// <summary>Subtracts the mask of <paramref name="seed"/> from <paramref name="target"/> (mod 2^32).</summary>
    public static void Subtract(ReadOnlySpan<byte> seed, Span<uint> target) => Apply(seed, target, subtract: true);

    private static void Apply(ReadOnlySpan<byte> seed, Span<uint> target, bool subtract)
    {
        if (seed.Length != SeedBytes) throw new ArgumentException($"a mask seed is {SeedBytes} bytes, got {seed.Length}");
        using var aes = Aes.Create();
        aes.Key = seed[..16].ToArray();
        var counters = new byte[ChunkWords * sizeof(uint)];
        var stream = new byte[counters.Length];
        var nonceHigh = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(seed[16..24]);
        var block = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(seed[24..32]);
        for (var offset = 0; offset < target.Length; offset += ChunkWords)
        {
            var words = Math.Min(ChunkWords, target.Length - offset);
            var bytes = ((words + 3) / 4) * 16;
            for (var b = 0; b < bytes; b += 16)
            {
                // The low 64 bits count (wrapping); the high 64 bits stay the seed's: 2^64 blocks is far beyond any vector.
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(counters.AsSpan(b, 8), nonceHigh);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(counters.AsSpan(b + 8, 8), unchecked(block++));
            }
            aes.EncryptEcb(counters.AsSpan(0, bytes), stream.AsSpan(0, bytes), PaddingMode.None);
            var mask = MemoryMarshal.Cast<byte, uint>(stream.AsSpan(0, words * sizeof(uint)));
            Combine(target.Slice(offset, words), mask, subtract);
        }
    }

    private static void Combine(Span<uint> target, ReadOnlySpan<uint> mask, bool subtract)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("mask expansion reads the keystream as little-endian words");
        var i = 0;
        var width = Vector<uint>.Count;
        var targetVectors = MemoryMarshal.Cast<uint, Vector<uint>>(target);
        var maskVectors = MemoryMarshal.Cast<uint, Vector<uint>>(mask);
        for (var v = 0; v < targetVectors.Length; v++)
            targetVectors[v] = subtract ? targetVectors[v] - maskVectors[v] : targetVectors[v] + maskVectors[v];
        i = targetVectors.Length * width;
        for (; i < target.Length; i++) target[i] = unchecked(subtract ? target[i] - mask[i] : target[i] + mask[i]);
    }

    /// <summary>Adds <paramref name="source"/> into <paramref name="sum"/> element-wise (mod 2^32).</summary>
    public static void AddInto(Span<uint> sum, ReadOnlySpan<uint> source)
    {
        if (sum.Length != source.Length) throw new ArgumentException($"cannot add {source.Length} ring elements into {sum.Length}");
        Combine(sum, source, subtract: false);
    }
}
