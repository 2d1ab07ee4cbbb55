using System.Buffers;
using System.IO.Compression;
using Google.Protobuf;

namespace FedTransfer.Rpc.Framing;

/// <summary>
/// Per-message gzip as gRPC defines it: a fresh compression context for every message.
/// Compression is a cold path here (artifacts are already dense), so it favours simplicity over zero-copy.
/// </summary>
internal static class MessageCompression
{
    /// <summary>True for encodings we can decode: identity and gzip.</summary>
    public static bool IsSupported(string? encoding) =>
        string.IsNullOrEmpty(encoding) ||
        encoding.Equals(GrpcProtocol.Identity, StringComparison.OrdinalIgnoreCase) ||
        encoding.Equals(GrpcProtocol.Gzip, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="encoding"/> means frames may carry compressed payloads.</summary>
    public static bool IsCompressing(string? encoding) =>
        encoding is not null && encoding.Equals(GrpcProtocol.Gzip, StringComparison.OrdinalIgnoreCase);

    /// <summary>Serializes and gzips <paramref name="message"/>, then writes it as one compressed frame.</summary>
    public static void WriteCompressed(IBufferWriter<byte> writer, IMessage message, int size)
    {
        var raw = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            message.WriteTo(raw.AsSpan(0, size));
            using var compressed = new MemoryStream(size / 2 + 64);
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(raw, 0, size);
            }

            FrameCodec.WritePayload(writer, compressed.GetBuffer().AsSpan(0, (int)compressed.Length), compressed: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    /// <summary>
    /// Inflates one compressed payload into a new array, failing with RESOURCE_EXHAUSTED as soon as the output
    /// exceeds <paramref name="maxMessageSize"/> (a small gzip bomb must not allocate gigabytes).
    /// </summary>
    public static byte[] Decompress(in ReadOnlySequence<byte> payload, int maxMessageSize)
    {
        using var input = new MemoryStream(payload.ToArray(), writable: false);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = ReadOrThrow(gzip, chunk)) > 0)
            {
                if (output.Length + read > maxMessageSize)
                {
                    throw new RpcException(StatusCode.ResourceExhausted,
                        $"Decompressed message exceeds the limit of {maxMessageSize} bytes.");
                }

                output.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return output.ToArray();
    }

    private static int ReadOrThrow(Stream gzip, byte[] chunk)
    {
        try
        {
            return gzip.Read(chunk, 0, chunk.Length);
        }
        catch (InvalidDataException ex)
        {
            throw new RpcException(StatusCode.Internal, $"Compressed message is not valid gzip: {ex.Message}", ex);
        }
    }
}
