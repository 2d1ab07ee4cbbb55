using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.EndToEnd.Tests.Support;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Egress;
using FedTransfer.Weights.Serialization;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedTransfer.EndToEnd.Tests;

/// <summary>
/// A site set to <c>Site:Transport=GrpcWeb</c> against the real coordinator under mutual TLS: every call travels as
/// gRPC-Web over HTTP/1.1 (checked on the client's own HTTP events), a 48 MiB backbone comes down, an update goes up and
/// is receipted under the site's certificate name, and the identity rules refuse a wrong role just as over HTTP/2.
/// </summary>
public sealed class GrpcWebTests : IAsyncLifetime
{
    private const string SiteName = "web-site";
    private readonly TempDirectory _temp = new();
    private TransportSecurity _security = null!;
    private LiveCoordinator _coordinator = null!;

    public async Task InitializeAsync()
    {
        _security = TransportSecurity.MutualTls(_temp.Combine("pki"), [SiteName]);
        _coordinator = await LiveCoordinator.StartAsync(_temp.Combine("coordinator"), _security);
    }

    public async Task DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        _temp.Dispose();
    }

    private Uri Address => new($"https://127.0.0.1:{_coordinator.Port}");

    private X509Certificate2 Ca => X509Certificate2.CreateFromPem(File.ReadAllText(_security.Pki!.CaFile));

    [Fact]
    public async Task GrpcWebSite_LargeBackboneDownAndUpdateUp_OverHttp11WithItsCertificateIdentity()
    {
        var backbone = SafeTensors.Serialize([TestTensors.Random("blocks.0.attn.qkv.weight", 1, 72, 24), TestTensors.Random("blocks.0.mlp.weight", 2, 3072, 4096)]);
        var adapter = SafeTensors.Serialize([TestTensors.Random("blocks.0.attn.qkv.lora_a", 3, 4, 24), TestTensors.Random("blocks.0.attn.qkv.lora_b", 4, 72, 4)]);
        var update = SafeTensors.Serialize([TestTensors.Random("blocks.0.attn.qkv.lora_a", 5, 4, 24), TestTensors.Random("blocks.0.attn.qkv.lora_b", 6, 72, 4)]);
        await StartRunAsync(backbone, adapter);
        using var http = new HttpVersions(_coordinator.Port);
        var pair = _security.Pki!.Sites[SiteName];
        using var gateway = EgressGateway.Connect(new SiteOptions
        {
            CoordinatorUrl = Address.ToString(), Transport = CoordinatorTransport.GrpcWeb,
            ClientCertificateFile = pair.CertificateFile, ClientKeyFile = pair.KeyFile, TrustedCaFile = _security.Pki.CaFile,
        }, NullLogger<EgressGateway>.Instance);

        var joined = await gateway.JoinAsync(new JoinRequest
        {
            DisplayName = "Clinic on a proxied network", SoftwareVersion = "test", Device = new DeviceInfo { Device = "cpu", CpuCores = 1 },
            ExampleCounts = new ExampleCounts { Train = 40, Validation = 10 },
        }, TimeSpan.FromSeconds(30), CancellationToken.None);
        var task = await NextTrainAsync(gateway);
        var fetched = await FetchAsync(gateway, task.Backbone.Digest);
        var receipt = await gateway.PushResultAsync(new ResultHeader
        {
            SessionId = gateway.SessionId, TaskId = task.TaskId, Round = task.Round, ExampleCount = 40, UpdateEncoding = task.UpdateEncoding,
            PayloadEncoding = PayloadEncoding.Safetensors,
        }, update, CancellationToken.None);

        Assert.Equal(SiteName, joined.SiteId);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(backbone)), fetched);
        Assert.Equal(ResultOutcome.Accepted, receipt.Outcome);
        Assert.Equal(SiteName, receipt.SiteId);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(update)), receipt.PayloadSha256);
        // Every connection the site opened spoke HTTP/1.1 (the admin's HTTP/2 connection was opened before listening).
        Assert.NotEmpty(http.Connections);
        Assert.All(http.Connections, major => Assert.Equal(1, major));
    }

    [Fact]
    public async Task GrpcWeb_AdminCertificateOnAFederationCall_PermissionDeniedAsOverHttp2()
    {
        using var channel = CoordinatorChannel.Open(Address, _security.Pki!.Admin.Load(), Ca, grpcWeb: true);

        var e = await Assert.ThrowsAsync<RpcException>(() => channel.Federation().JoinAsync(new JoinRequest { DisplayName = "x" },
            deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Contains("needs OU=site", e.Status.Detail);
    }

    [Fact]
    public async Task GrpcWeb_NoCertificate_Unauthenticated()
    {
        using var channel = CoordinatorChannel.Open(Address, null, Ca, grpcWeb: true);

        var e = await Assert.ThrowsAsync<RpcException>(() => channel.Federation().JoinAsync(new JoinRequest { DisplayName = "x" },
            deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Contains("no client certificate", e.Status.Detail);
    }

    private async Task StartRunAsync(byte[] backbone, byte[] adapter)
    {
        using var channel = _security.AdminChannel(_coordinator.Port);
        var admin = channel.Admin();
        var backboneRef = await ClientStreaming.SendAsync(admin.UploadArtifact(deadline: DateTime.UtcNow.AddMinutes(2)), Parts(backbone));
        var adapterRef = await ClientStreaming.SendAsync(admin.UploadArtifact(deadline: DateTime.UtcNow.AddMinutes(2)), Parts(adapter));
        var federation = await admin.CreateFederationAsync(new CreateFederationRequest
        {
            Name = "web", BackboneDigest = backboneRef.Digest, InitialAdapterDigest = adapterRef.Digest,
            AdapterSpec = "lora:r=4,alpha=8,targets=attn.qkv", TaskSpec = "classify:classes=5",
        }, deadline: DateTime.UtcNow.AddMinutes(2));
        await admin.StartRunAsync(new StartRunRequest
        {
            FederationId = federation.FederationId, Rounds = 1, Strategy = "fedavg", Fraction = 1, MinSites = 1, RoundTimeoutSeconds = 120,
            HyperParameters = new HyperParameters { Epochs = 1, BatchSize = 16, LearningRate = 0.01, Seed = 7 },
        }, deadline: DateTime.UtcNow.AddSeconds(30));
    }

    private static async Task<TrainTask> NextTrainAsync(EgressGateway gateway)
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var answer = await gateway.PullTaskAsync(new PullTaskRequest { SessionId = gateway.SessionId, MaxWaitMs = 1000 }, TimeSpan.FromSeconds(30), CancellationToken.None);
            if (answer.InstructionCase == PullTaskResponse.InstructionOneofCase.Train) return answer.Train;
        }
        throw new TimeoutException("no train task arrived within 60 polls");
    }

    private static async Task<string> FetchAsync(EgressGateway gateway, string digest)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await foreach (var chunk in gateway.FetchAsync(digest, 0, CancellationToken.None)) hash.AppendData(chunk.Data.Span);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static async IAsyncEnumerable<UploadArtifactRequest> Parts(byte[] bytes)
    {
        yield return new UploadArtifactRequest { Header = new UploadHeader { TotalBytes = bytes.Length, Name = "file.safetensors" } };
        for (var at = 0; at < bytes.Length; at += WireLimits.DefaultChunkBytes)
            yield return new UploadArtifactRequest { Chunk = ByteString.CopyFrom(bytes, at, Math.Min(WireLimits.DefaultChunkBytes, bytes.Length - at)) };
        await Task.CompletedTask;
    }

    /// <summary>
    /// The HTTP version of every connection this process opens from now on to <paramref name="port"/> (other tests run in
    /// parallel with coordinators of their own), from System.Net.Http's own events.
    /// </summary>
    private sealed class HttpVersions(int port) : EventListener
    {
        public ConcurrentQueue<int> Connections { get; } = new();

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "System.Net.Http") EnableEvents(source, EventLevel.Informational);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName != "ConnectionEstablished" || e.PayloadNames is null || e.Payload is null) return;
            if (Convert.ToInt32(e.Payload[e.PayloadNames.IndexOf("port")], System.Globalization.CultureInfo.InvariantCulture) != port) return;
            Connections.Enqueue(Convert.ToInt32(e.Payload[e.PayloadNames.IndexOf("versionMajor")], System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
