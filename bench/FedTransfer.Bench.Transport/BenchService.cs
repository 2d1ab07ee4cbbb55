using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;

namespace FedTransfer.Bench.Transport;

/// <summary>fedtransfer.bench.Transport on our server (the generated service base).</summary>
internal sealed class BenchService : Transport.TransportBase
{
    private readonly Dictionary<(long, int), IReadOnlyList<ByteString>> _artifacts = [];

    public override Task<Ping> Echo(Ping request, ServerCallContext context) => Task.FromResult(request);

    public override async Task Fetch(FetchRequest request, IServerStreamWriter<Chunk> writer, ServerCallContext context)
    {
        IReadOnlyList<ByteString> chunks;
        lock (_artifacts)
        {
            var key = (request.Size, request.ChunkSize);
            if (!_artifacts.TryGetValue(key, out chunks!))
            {
                chunks = BenchArtifact.Build(request.Size, request.ChunkSize);
                _artifacts[key] = chunks;
            }
        }

        long offset = 0;
        foreach (var data in chunks)
        {
            await writer.WriteAsync(new Chunk { Offset = offset, Data = data }, context.CancellationToken);
            offset += data.Length;
        }
    }

    public override async Task<PushSummary> Push(IAsyncStreamReader<Chunk> requestStream, ServerCallContext context)
    {
        var chunks = requestStream.ReadAllAsync(context.CancellationToken);
        using var hash = context.RequestHeaders.GetValue("x-verify") == "1"
            ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256)
            : null;
        var summary = new PushSummary();
        await foreach (var chunk in chunks.WithCancellation(context.CancellationToken))
        {
            hash?.AppendData(chunk.Data.Span);
            summary.Size += chunk.Data.Length;
            summary.Chunks++;
        }

        summary.Sha256 = hash is null ? string.Empty : Convert.ToHexStringLower(hash.GetHashAndReset());
        return summary;
    }
}
