using System.Buffers;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Artifacts;
using Grpc.Core;
using Google.Protobuf;

namespace FedTransfer.Coordinator;

/// <summary>Answers a FetchArtifactRequest with a stream of chunks (shared by Federation.FetchArtifact and Admin.DownloadArtifact).</summary>
internal static class ArtifactStreaming
{
    public static async Task SendAsync(ArtifactStore store, FetchArtifactRequest request, int defaultChunkSize, IServerStreamWriter<ArtifactChunk> writer, CancellationToken cancellationToken)
    {
        RequireDigest(request.Digest);
        int chunkSize;
        try
        {
            chunkSize = ArtifactChunking.Resolve(request.ChunkSizeBytes, defaultChunkSize);
        }
        catch (ArgumentException e)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
        }
        var size = store.TryGetSize(request.Digest)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"no artifact with digest {request.Digest} is stored"));
        if (request.Offset < 0 || request.Offset > size)
            throw new RpcException(new Status(StatusCode.OutOfRange, $"offset {request.Offset} is outside the artifact's {size} bytes; resume from 0..{size}"));
        // One pooled buffer per download: the gRPC layer serialises a message into the response before WriteAsync
        // completes, so the buffer can be refilled for the next chunk (no 1 MiB garbage array per chunk).
        var buffer = ArrayPool<byte>.Shared.Rent(chunkSize);
        try
        {
            await using var stream = store.OpenRead(request.Digest, request.Offset);
            var offset = request.Offset;
            while (offset < size)
            {
                var wanted = (int)Math.Min(chunkSize, size - offset);
                var n = await stream.ReadAtLeastAsync(buffer.AsMemory(0, wanted), wanted, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (n < wanted) throw new RpcException(new Status(StatusCode.DataLoss, $"artifact {request.Digest} ended at {offset + n} of {size} bytes while being sent"));
                var chunk = new ArtifactChunk { Offset = offset, Data = UnsafeByteOperations.UnsafeWrap(buffer.AsMemory(0, n)), TotalBytes = size, Digest = request.Digest };
                await writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                offset += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <exception cref="RpcException">INVALID_ARGUMENT when <paramref name="digest"/> is not a SHA-256 in lowercase hex.</exception>
    public static void RequireDigest(string digest)
    {
        if (!Sha256Digest.IsValid(digest))
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"digest must be 64 lowercase hex characters (SHA-256), got '{Shorten(digest)}'"));
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
