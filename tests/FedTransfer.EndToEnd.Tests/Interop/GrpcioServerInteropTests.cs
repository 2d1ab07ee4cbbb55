using System.Security.Cryptography;
using System.Text;
using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.EndToEnd.Tests.Support;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Egress;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedTransfer.EndToEnd.Tests.Interop;

/// <summary>Starts a python3-grpcio server speaking fedtransfer.v1.Federation (grpcio_coordinator.py) once for the tests below.</summary>
public sealed class GrpcioServerFixture : IAsyncLifetime
{
    private PythonPeer? _python;

    public Uri Address { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _python = await PythonPeer.CreateAsync();
        Address = new Uri($"http://127.0.0.1:{await _python.StartServerAsync("grpcio_coordinator.py", TimeSpan.FromSeconds(30))}");
    }

    public Task DisposeAsync()
    {
        _python?.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The site's side of the wire (its egress gateway, its channel) against grpcio's server.</summary>
public sealed class GrpcioServerInteropTests(GrpcioServerFixture fixture) : IClassFixture<GrpcioServerFixture>, IDisposable
{
    private const int MiB = 1024 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly GrpcChannel _channel = CoordinatorChannel.Open(fixture.Address);

    public void Dispose() => _channel.Dispose();

    private EgressGateway Gateway() => EgressGateway.Connect(new SiteOptions { CoordinatorUrl = fixture.Address.ToString() }, NullLogger<EgressGateway>.Instance);

    private static JoinRequest Join(string name) => new()
    {
        DisplayName = name, SoftwareVersion = "test", Device = new DeviceInfo { Device = "cpu", CpuCores = 1 },
        ExampleCounts = new ExampleCounts { Train = 10, Validation = 2 },
    };

    [Fact]
    public async Task Unary_JoinThroughTheGateway_AnsweredByGrpcio()
    {
        using var gateway = Gateway();

        var joined = await gateway.JoinAsync(Join("clinic-a"), Timeout, CancellationToken.None);

        Assert.Equal("py-clinic-a", joined.SiteId);
        Assert.Equal("py-session", gateway.SessionId);
        Assert.StartsWith("grpc-dotnet/", joined.CoordinatorVersion); // grpcio saw our user-agent
    }

    [Fact]
    public async Task Metadata_ToGrpcio_Arrives()
    {
        var joined = await _channel.Federation().JoinAsync(Join("clinic-b"), new Metadata { { "x-trace", "abc 123" } }, DateTime.UtcNow + Timeout);

        Assert.EndsWith("|abc 123", joined.CoordinatorVersion);
    }

    [Fact]
    public async Task ServerStreaming_64MiBArtifactFromGrpcioThroughTheGateway_Sha256Matches()
    {
        using var gateway = Gateway();
        await gateway.JoinAsync(Join("clinic-c"), Timeout, CancellationToken.None);
        var task = (await gateway.PullTaskAsync(new PullTaskRequest { SessionId = "py-session", MaxWaitMs = 0 }, Timeout, CancellationToken.None)).Evaluate;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long received = 0;

        await foreach (var chunk in gateway.FetchAsync(task.Backbone.Digest, 0, CancellationToken.None))
        {
            Assert.Equal(received, chunk.Offset);
            hash.AppendData(chunk.Data.Span);
            received += chunk.Data.Length;
        }

        Assert.Equal(64L * MiB, received);
        Assert.Equal(task.Backbone.Digest, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    [Fact]
    public async Task Deadline_OnASlowGrpcioAnswer_DeadlineExceededOnTime()
    {
        using var gateway = Gateway();
        await gateway.JoinAsync(Join("clinic-d"), Timeout, CancellationToken.None);
        var started = DateTime.UtcNow;

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            gateway.PullTaskAsync(new PullTaskRequest { SessionId = "py-session", MaxWaitMs = 4242 }, TimeSpan.FromMilliseconds(300), CancellationToken.None));

        Assert.Equal(StatusCode.DeadlineExceeded, e.StatusCode);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task Cancellation_MidDownload_GrpcioSeesTheCallCancelled()
    {
        using var cancel = new CancellationTokenSource();
        using var call = _channel.Federation().FetchArtifact(new FetchArtifactRequest { Digest = "slow" }, deadline: DateTime.UtcNow + Timeout, cancellationToken: cancel.Token);

        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        await cancel.CancelAsync();
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.Cancelled, e.StatusCode);
        Assert.Contains("FetchArtifact", await CancelledSeenByGrpcioAsync());
    }

    [Fact]
    public async Task ClientStreaming_8MiBResultToGrpcio_ReceiptNamesItsDigest()
    {
        var payload = new byte[8 * MiB];
        new Random(42).NextBytes(payload);

        var receipt = await ClientStreaming.SendAsync(_channel.Federation().PushResult(deadline: DateTime.UtcNow + Timeout), Parts("task-1", payload));

        Assert.Equal(ResultOutcome.Accepted, receipt.Outcome);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(payload)), receipt.PayloadSha256);
        Assert.Equal(payload.Length, receipt.PayloadBytes);
    }

    [Fact]
    public async Task StatusDetails_NonAsciiFailureFromGrpcio_ArriveIntact()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            ClientStreaming.SendAsync(_channel.Federation().PushResult(deadline: DateTime.UtcNow + Timeout), Parts("fail", new byte[1000])));

        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Equal("Übermaß: données refusées ✗ 🚫 100% sûr", e.Status.Detail);
    }

    private static async IAsyncEnumerable<PushResultRequest> Parts(string taskId, byte[] payload)
    {
        yield return new PushResultRequest { Header = new ResultHeader { TaskId = taskId, Round = 1, PayloadTotalBytes = payload.Length } };
        for (var at = 0; at < payload.Length; at += MiB)
            yield return new PushResultRequest { Chunk = ByteString.CopyFrom(payload, at, Math.Min(MiB, payload.Length - at)) };
        await Task.CompletedTask;
    }

    /// <summary>What grpcio observed being cancelled (its Join answer for "report"), asked until it shows up or 10 s pass.</summary>
    private async Task<string> CancelledSeenByGrpcioAsync()
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        string seen;
        do
        {
            seen = (await _channel.Federation().JoinAsync(new JoinRequest { DisplayName = "report" }, deadline: DateTime.UtcNow + Timeout)).CoordinatorVersion;
            if (seen.Length > 0) return seen;
            await Task.Delay(100);
        } while (DateTime.UtcNow < until);
        return seen;
    }
}
