using System.Runtime.CompilerServices;
using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Google.Protobuf;

namespace FedTransfer.Coordinator.Tests.Support;

/// <summary>What the central team's CLI does, reduced to what tests need.</summary>
internal static class AdminClient
{
    public static Task<ArtifactRef> UploadAsync(GrpcChannel channel, byte[] bytes, string name = "file.safetensors", string? sha = null, CallOptions? options = null) =>
        ClientStreaming.SendAsync(channel.Admin().UploadArtifact(options ?? new CallOptions()), Parts(bytes, name, sha));

    private static async IAsyncEnumerable<UploadArtifactRequest> Parts(byte[] bytes, string name, string? sha, [EnumeratorCancellation] CancellationToken ct = default)
    {
        yield return new UploadArtifactRequest { Header = new UploadHeader { TotalBytes = bytes.Length, Name = name, Sha256 = sha ?? "" } };
        for (var offset = 0; offset < bytes.Length; offset += 1 << 20)
            yield return new UploadArtifactRequest { Chunk = ByteString.CopyFrom(bytes, offset, Math.Min(1 << 20, bytes.Length - offset)) };
        await Task.CompletedTask;
    }

    /// <summary>Uploads a backbone and the initial adapter and creates a federation over them.</summary>
    public static async Task<FederationInfo> CreateFederationAsync(GrpcChannel channel, byte[] initialAdapter, string name = "demo",
        string adapterSpec = "lora:r=4,alpha=8,targets=attn.qkv")
    {
        var backbone = await UploadAsync(channel, Tensors.Bytes(Tensors.Random(99, spec: [("blocks.0.attn.qkv.weight", FedTransfer.Weights.DType.Float32, [72, 24])])), "backbone.safetensors");
        var adapter = await UploadAsync(channel, initialAdapter, "initial.safetensors");
        return await channel.Admin().CreateFederationAsync(new CreateFederationRequest
        {
            Name = name, BackboneDigest = backbone.Digest, AdapterSpec = adapterSpec, TaskSpec = "classify:classes=5",
            InitialAdapterDigest = adapter.Digest,
        }).ResponseAsync;
    }

    public static Task<RunInfo> StartRunAsync(GrpcChannel channel, string federationId, int rounds, int minSites, double fraction = 1.0,
        int roundTimeoutSeconds = 60, int evalEvery = 0, string strategy = "fedavg", IReadOnlyDictionary<string, string>? strategySettings = null,
        UpdateEncoding encoding = UpdateEncoding.Float32, CentralPrivacy? centralDp = null)
    {
        var request = new StartRunRequest
        {
            FederationId = federationId, Rounds = rounds, Strategy = strategy, Fraction = fraction, MinSites = minSites,
            RoundTimeoutSeconds = roundTimeoutSeconds, EvalEvery = evalEvery, UpdateEncoding = encoding,
            HyperParameters = new HyperParameters { Epochs = 1, BatchSize = 16, LearningRate = 0.01, Seed = 7 },
            CentralDp = centralDp,
        };
        foreach (var (key, value) in strategySettings ?? new Dictionary<string, string>()) request.StrategySettings[key] = value;
        return channel.Admin().StartRunAsync(request).ResponseAsync;
    }

    /// <summary>Every event of the run from the start until it finishes or fails.</summary>
    public static async Task<List<RunEvent>> WatchToEndAsync(GrpcChannel channel, string runId, TimeSpan? timeout = null)
    {
        var events = new List<RunEvent>();
        await foreach (var e in channel.Admin().WatchRun(new WatchRunRequest { RunId = runId }, deadline: DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60))).ResponseStream.ReadAllAsync())
            events.Add(e);
        return events;
    }

    public static async Task<byte[]> DownloadAsync(GrpcChannel channel, string digest)
    {
        using var buffer = new MemoryStream();
        await foreach (var chunk in channel.Admin().DownloadArtifact(new FetchArtifactRequest { Digest = digest }).ResponseStream.ReadAllAsync())
            chunk.Data.WriteTo(buffer);
        return buffer.ToArray();
    }
}
