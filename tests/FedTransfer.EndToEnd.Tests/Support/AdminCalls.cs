using System.Runtime.CompilerServices;
using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Google.Protobuf;

namespace FedTransfer.EndToEnd.Tests.Support;

/// <summary>The central team's calls, over the wire as the CLI makes them, reduced to what the tests need.</summary>
internal sealed class AdminCalls(GrpcChannel channel) : IDisposable
{
    public async Task<ArtifactRef> UploadAsync(string path)
    {
        var bytes = await File.ReadAllBytesAsync(path);
        return await ClientStreaming.SendAsync(channel.Admin().UploadArtifact(), Parts(bytes, Path.GetFileName(path)));
    }

    private static async IAsyncEnumerable<UploadArtifactRequest> Parts(byte[] bytes, string name, [EnumeratorCancellation] CancellationToken ct = default)
    {
        yield return new UploadArtifactRequest { Header = new UploadHeader { TotalBytes = bytes.Length, Name = name } };
        for (var offset = 0; offset < bytes.Length; offset += 1 << 20)
            yield return new UploadArtifactRequest { Chunk = ByteString.CopyFrom(bytes, offset, Math.Min(1 << 20, bytes.Length - offset)) };
        await Task.CompletedTask;
    }

    public async Task<FederationInfo> CreateFederationAsync(TinyVitFederation files)
    {
        var backbone = await UploadAsync(files.Backbone.WeightsPath);
        var adapter = await UploadAsync(files.InitialAdapterPath);
        return await channel.Admin().CreateFederationAsync(new CreateFederationRequest
        {
            Name = "e2e", BackboneDigest = backbone.Digest, AdapterSpec = files.AdapterSpecText,
            TaskSpec = TinyVitFederation.TaskSpecText, InitialAdapterDigest = adapter.Digest,
        }).ResponseAsync;
    }

    public Task<RunInfo> StartRunAsync(string federationId, int rounds, int minSites, int roundTimeoutSeconds) =>
        channel.Admin().StartRunAsync(new StartRunRequest
        {
            FederationId = federationId, Rounds = rounds, Strategy = "fedavg", Fraction = 1.0, MinSites = minSites,
            RoundTimeoutSeconds = roundTimeoutSeconds, EvalEvery = 0,
            HyperParameters = new HyperParameters { Epochs = 1, BatchSize = 16, LearningRate = 0.05, Seed = 7 },
        }).ResponseAsync;

    public Task<StatusResponse> StatusAsync(string runId = "") =>
        channel.Admin().GetStatusAsync(new GetStatusRequest { RunId = runId }).ResponseAsync;

    /// <summary>Waits until <paramref name="count"/> sites are online.</summary>
    public async Task WaitForSitesAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await StatusAsync()).Sites.Count(s => s.State == SiteState.Online) < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{count} sites did not join within 30 s");
            await Task.Delay(100);
        }
    }

    /// <summary>The run's events from its start, live, until it finishes or fails (or <paramref name="until"/> says stop).</summary>
    public async Task<List<RunEvent>> WatchAsync(string runId, Func<RunEvent, bool>? until = null, int timeoutSeconds = 90)
    {
        var events = new List<RunEvent>();
        var options = new CallOptions(deadline: DateTime.UtcNow.AddSeconds(timeoutSeconds));
        await foreach (var e in channel.Admin().WatchRun(new WatchRunRequest { RunId = runId }, options).ResponseStream.ReadAllAsync())
        {
            events.Add(e);
            if (until?.Invoke(e) == true) break;
        }
        return events;
    }

    public async Task<byte[]> DownloadAsync(string digest)
    {
        using var buffer = new MemoryStream();
        await foreach (var chunk in channel.Admin().DownloadArtifact(new FetchArtifactRequest { Digest = digest }).ResponseStream.ReadAllAsync())
            chunk.Data.WriteTo(buffer);
        return buffer.ToArray();
    }

    public Task<ArtifactRef> ExportAsync(string runId, ExportKind kind) =>
        channel.Admin().ExportModelAsync(new ExportModelRequest { RunId = runId, Kind = kind }).ResponseAsync;

    public void Dispose() => channel.Dispose();
}
