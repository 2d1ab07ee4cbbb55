using System.Security.Cryptography;
using System.Text;

namespace FedTransfer.Rpc.Tests.Support;

/// <summary>
/// Deterministic artifact content both C# and the Python peers can produce: chunk k is SHA-256("seed:k")
/// repeated to the chunk size, so a lost, duplicated or reordered chunk changes the digest.
/// </summary>
public static class Artifact
{
    public const int MiB = 1024 * 1024;

    public static byte[] Chunk(string seed, long index, int length)
    {
        var block = SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:{index}"));
        var data = new byte[length];
        for (var i = 0; i < length; i += block.Length)
        {
            block.AsSpan(0, Math.Min(block.Length, length - i)).CopyTo(data.AsSpan(i));
        }

        return data;
    }

    public static IEnumerable<(long Offset, byte[] Data)> Chunks(string seed, long size, int chunkSize)
    {
        long offset = 0;
        for (long k = 0; offset < size; k++)
        {
            var length = (int)Math.Min(chunkSize, size - offset);
            yield return (offset, Chunk(seed, k, length));
            offset += length;
        }
    }

    public static string Sha256Hex(string seed, long size, int chunkSize)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (_, data) in Chunks(seed, size, chunkSize))
        {
            hash.AppendData(data);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
