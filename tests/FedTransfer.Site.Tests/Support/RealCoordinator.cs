using System.Runtime.CompilerServices;
using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator;
using FedTransfer.Coordinator.Artifacts;
using Grpc.Core;
using Grpc.Net.Client;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using FedTransfer.Site.Egress;
using AdminGrpc = FedTransfer.Contracts.V1.Admin;

namespace FedTransfer.Site.Tests.Support;

/// <summary>
/// The real coordinator on 127.0.0.1 (dynamic port, plaintext) over a temporary data folder, with one federation whose
/// trainable set is <see cref="TestTasks.Trainable"/>, so a site's results can be judged by what the coordinator
/// itself recorded: its run events and its update files (kept even when rejected).
/// </summary>
internal sealed class RealCoordinator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _dir;

    private RealCoordinator(WebApplication app, TempDirectory dir)
    {
        _app = app;
        _dir = dir;
        Address = new Uri(app.Urls.First());
        _channel = CoordinatorChannel.Open(Address);
        Admin = new AdminGrpc.AdminClient(_channel);
    }

    private readonly GrpcChannel _channel;
    public Uri Address { get; }
    public AdminGrpc.AdminClient Admin { get; }
    public UpdateFiles Updates => _app.Services.GetRequiredService<UpdateFiles>();

    /// <summary>The coordinator's receipt log (receipts.jsonl in its data folder), as an auditor is given it.</summary>
    public string ReceiptLogPath => Path.Combine(_dir.Path, "receipts.jsonl");

    /// <summary>The backbone's digest as the coordinator names it (what a site policy lists).</summary>
    public string BackboneDigest { get; private set; } = "";

    public static async Task<RealCoordinator> StartAsync()
    {
        var dir = new TempDirectory();
        var app = CoordinatorHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Coordinator:DataDirectory"] = dir.Path,
                ["Coordinator:Listener:Url"] = "http://127.0.0.1:0",
                ["Coordinator:MaxPullWaitMs"] = "500",
                ["Coordinator:KeepUpdatePayloads"] = "true",
            });
            builder.Logging.ClearProviders();
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        return new RealCoordinator(app, dir);
    }

    /// <summary>Registers the federation (adapter spec lora:r=2, trainable set head.bias + lora.a) and starts a one-round run.</summary>
    public async Task<RunInfo> StartRunAsync(int roundTimeoutSeconds)
    {
        var backbone = await UploadAsync(TestTasks.Payload([FedTransfer.Weights.Serialization.TensorRecord.Create<float>("blocks.0.attn.qkv.weight", new float[8], 2, 4)]));
        BackboneDigest = backbone.Digest;
        var adapter = await UploadAsync(TestTasks.Payload(TestTasks.Delta(0f)));
        var federation = await Admin.CreateFederationAsync(new CreateFederationRequest
        {
            Name = "allowlist", BackboneDigest = backbone.Digest, AdapterSpec = "lora:r=2", TaskSpec = "classify:classes=3",
            InitialAdapterDigest = adapter.Digest,
        }).ResponseAsync;
        return await Admin.StartRunAsync(new StartRunRequest
        {
            FederationId = federation.FederationId, Rounds = 1, Strategy = "fedavg", Fraction = 1.0, MinSites = 1,
            RoundTimeoutSeconds = roundTimeoutSeconds,
            HyperParameters = new HyperParameters { Epochs = 1, BatchSize = 4, LearningRate = 0.01, Seed = 7 },
        }).ResponseAsync;
    }

    /// <summary>Every event of the run until it finishes or fails.</summary>
    public async Task<List<RunEvent>> EventsToEndAsync(string runId, TimeSpan timeout)
    {
        var events = new List<RunEvent>();
        await foreach (var e in Admin.WatchRun(new WatchRunRequest { RunId = runId }, deadline: DateTime.UtcNow + timeout).ResponseStream.ReadAllAsync())
            events.Add(e);
        return events;
    }

    private Task<ArtifactRef> UploadAsync(byte[] bytes) => ClientStreaming.SendAsync(Admin.UploadArtifact(), Parts(bytes));

    private static async IAsyncEnumerable<UploadArtifactRequest> Parts(byte[] bytes, [EnumeratorCancellation] CancellationToken ct = default)
    {
        yield return new UploadArtifactRequest { Header = new UploadHeader { TotalBytes = bytes.Length, Name = "file.safetensors" } };
        yield return new UploadArtifactRequest { Chunk = ByteString.CopyFrom(bytes) };
        await Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
