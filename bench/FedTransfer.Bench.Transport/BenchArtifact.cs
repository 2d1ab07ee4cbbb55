using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;

namespace FedTransfer.Bench.Transport;

/// <summary>
/// The benchmark artifact, identical to bench/transport/bench_common.py: chunk k is SHA-256("bench:k")
/// repeated to the chunk size. Built once, before timing, so only the transport is measured.
/// </summary>
internal static class BenchArtifact
{
    public static IReadOnlyList<ByteString> Build(long size, int chunkSize)
    {
        var chunks = new List<ByteString>();
        long offset = 0;
        for (var k = 0; offset < size; k++)
        {
            var length = (int)Math.Min(chunkSize, size - offset);
            var block = SHA256.HashData(Encoding.UTF8.GetBytes($"bench:{k}"));
            var data = new byte[length];
            for (var i = 0; i < length; i += block.Length)
            {
                block.AsSpan(0, Math.Min(block.Length, length - i)).CopyTo(data.AsSpan(i));
            }

            chunks.Add(UnsafeByteOperations.UnsafeWrap(data));
            offset += length;
        }

        return chunks;
    }

    public static string Sha256Hex(IEnumerable<ByteString> chunks)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var chunk in chunks)
        {
            hash.AppendData(chunk.Span);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
