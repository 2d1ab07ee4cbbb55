using System.Collections.Concurrent;
using FedTransfer.Contracts.V1;
using Grpc.Core;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.AspNetCore.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using FederationGrpc = FedTransfer.Contracts.V1.Federation;

namespace FedTransfer.Site.Tests.Support;

/// <summary>
/// A real gRPC server on 127.0.0.1 (dynamic port) speaking the federation service with scripted answers. It records
/// every call that reached it, so a test can prove a refused message never arrived over the wire.
/// </summary>
internal sealed class LoopbackCoordinator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackCoordinator(WebApplication app)
    {
        _app = app;
        Address = new Uri(app.Urls.First());
    }

    public Uri Address { get; }
    public ConcurrentQueue<string> Calls { get; } = new();
    public ConcurrentQueue<(ResultHeader Header, byte[] Payload, int Chunks, int LargestChunk)> Pushes { get; } = new();
    public ConcurrentQueue<PullTaskResponse> PullAnswers { get; } = new();
    public ConcurrentDictionary<string, byte[]> Artifacts { get; } = new(StringComparer.Ordinal);

    /// <summary>PushResult calls to fail with UNAVAILABLE before accepting (after reading the whole stream).</summary>
    public int PushUnavailableCount;

    /// <summary>Subjects of the client certificates seen at Join (empty when the call carried none).</summary>
    public ConcurrentQueue<string> JoinCertificates { get; } = new();

    /// <param name="serverCertificate">TLS with this certificate (null: plaintext h2c).</param>
    /// <param name="clientCa">With TLS, require a client certificate chaining to this CA.</param>
    public static async Task<LoopbackCoordinator> StartAsync(X509Certificate2? serverCertificate = null, X509Certificate2? clientCa = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = serverCertificate is null ? HttpProtocols.Http2 : HttpProtocols.Http1AndHttp2;
            if (serverCertificate is null) return;
            listen.UseHttps(https =>
            {
                https.ServerCertificate = serverCertificate;
                if (clientCa is null) return;
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                https.ClientCertificateValidation = (certificate, _, _) =>
                    FedTransfer.Federation.Identity.ParticipantCertificate.CheckChain(certificate, clientCa, DateTimeOffset.UtcNow) is null;
            });
        }));
        builder.Services.AddGrpc();
        var self = new Holder();
        builder.Services.AddSingleton(self);
        var app = builder.Build();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.MapGrpcService<Service>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        self.Coordinator = new LoopbackCoordinator(app);
        return self.Coordinator;
    }

    private sealed class Holder
    {
        public LoopbackCoordinator? Coordinator;
    }

    /// <summary>The generated service base, answering through the scripted coordinator.</summary>
    private sealed class Service(Holder holder) : FederationGrpc.FederationBase
    {
        private LoopbackCoordinator Self => holder.Coordinator!;

        public override Task<JoinResponse> Join(JoinRequest request, ServerCallContext context) => Self.Join(request, context);

        public override Task<PullTaskResponse> PullTask(PullTaskRequest request, ServerCallContext context) => Self.Pull();

        public override Task FetchArtifact(FetchArtifactRequest request, IServerStreamWriter<ArtifactChunk> responseStream, ServerCallContext context) =>
            Self.FetchAsync(request, responseStream);

        public override Task<Receipt> PushResult(IAsyncStreamReader<PushResultRequest> requestStream, ServerCallContext context) =>
            Self.PushAsync(requestStream.ReadAllAsync(context.CancellationToken));
    }

    private Task<JoinResponse> Join(JoinRequest request, ServerCallContext context)
    {
        Calls.Enqueue("Join");
        JoinCertificates.Enqueue(context.GetHttpContext().Connection.ClientCertificate?.Subject ?? "");
        return Task.FromResult(new JoinResponse { SiteId = "site-" + request.DisplayName, SessionId = "session-1", CoordinatorVersion = "loopback" });
    }
    private Task<PullTaskResponse> Pull()
    {
        Calls.Enqueue("PullTask");
        return Task.FromResult(PullAnswers.TryDequeue(out var answer) ? answer : new PullTaskResponse { Wait = new WaitInstruction { RetryAfterMs = 10 } });
    }

    private async Task FetchAsync(FetchArtifactRequest request, IServerStreamWriter<ArtifactChunk> writer)
    {
        Calls.Enqueue("FetchArtifact");
        if (!Artifacts.TryGetValue(request.Digest, out var bytes)) throw new RpcException(new Status(StatusCode.NotFound, "no such artifact"));
        var size = request.ChunkSizeBytes == 0 ? 1 << 20 : request.ChunkSizeBytes;
        for (var at = request.Offset; at < bytes.Length; at += size)
        {
            await writer.WriteAsync(new ArtifactChunk
            {
                Offset = at, TotalBytes = bytes.Length, Digest = request.Digest,
                Data = Google.Protobuf.ByteString.CopyFrom(bytes, (int)at, (int)Math.Min(size, bytes.Length - at)),
            });
        }
    }

    private async Task<Receipt> PushAsync(IAsyncEnumerable<PushResultRequest> parts)
    {
        Calls.Enqueue("PushResult");
        ResultHeader? header = null;
        using var payload = new MemoryStream();
        int chunks = 0, largest = 0;
        await foreach (var part in parts)
        {
            if (part.PartCase == PushResultRequest.PartOneofCase.Header)
            {
                header = part.Header;
                continue;
            }
            chunks++;
            largest = Math.Max(largest, part.Chunk.Length);
            part.Chunk.WriteTo(payload);
        }
        if (Interlocked.Decrement(ref PushUnavailableCount) >= 0)
            throw new RpcException(new Status(StatusCode.Unavailable, "coordinator restarting"));
        Pushes.Enqueue((header!, payload.ToArray(), chunks, largest));
        return new Receipt
        {
            TaskId = header!.TaskId, Round = header.Round, Outcome = ResultOutcome.Accepted,
            PayloadSha256 = TestTasks.Sha256(payload.ToArray()), PayloadBytes = payload.Length,
        };
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
