using System.Security.Cryptography;
using FedTransfer.Rpc;
using Google.Protobuf;

namespace FedTransfer.Bench.Transport;

/// <summary>fedtransfer.bench.Transport on our server.</summary>
internal sealed class BenchService
{
    public const string Name = "fedtransfer.bench.Transport";

    public static readonly Method<FetchRequest, Chunk> Fetch = new(MethodType.ServerStreaming, Name, "Fetch", FetchRequest.Parser, Chunk.Parser);
    public static readonly Method<Chunk, PushSummary> Push = new(MethodType.ClientStreaming, Name, "Push", Chunk.Parser, PushSummary.Parser);
    public static readonly Method<Ping, Ping> Echo = new(MethodType.Unary, Name, "Echo", Ping.Parser, Ping.Parser);

    private readonly Dictionary<(long, int), IReadOnlyList<ByteString>> _artifacts = [];

    public void Map(GrpcServiceBuilder builder) => builder
        .ServerStreaming(Fetch, FetchAsync)
        .ClientStreaming(Push, PushAsync)
        .Unary(Echo, (ping, _) => Task.FromResult(ping));

    private async Task FetchAsync(FetchRequest request, IServerStreamWriter<Chunk> writer, ServerCallContext context)
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

    private static async Task<PushSummary> PushAsync(IAsyncEnumerable<Chunk> chunks, ServerCallContext context)
    {
        using var hash = context.RequestHeaders.TryGetValue("x-verify", out var verify) && verify == "1"
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
