using FedTransfer.Contracts.V1;
using Grpc.Core;
using FedTransfer.Site.Egress;

namespace FedTransfer.Site.Tests.Support;

/// <summary>
/// An in-memory coordinator behind the transport seam: scripted answers, and a record of every message that reached
/// it, so tests can assert what left the site (and that refused messages did not).
/// </summary>
internal sealed class FakeTransport : ICoordinatorTransport
{
    private readonly object _gate = new();

    public List<JoinRequest> Joins { get; } = [];
    public List<PullTaskRequest> Pulls { get; } = [];
    public List<FetchArtifactRequest> Fetches { get; } = [];
    public List<(ResultHeader Header, byte[] Payload)> Pushes { get; } = [];

    /// <summary>Exceptions thrown by the next Join calls, in order, before joins succeed.</summary>
    public Queue<Exception> JoinFailures { get; } = new();

    /// <summary>Answers (or exceptions) for the next PullTask calls; when empty, a Stop instruction.</summary>
    public Queue<Func<PullTaskRequest, PullTaskResponse>> PullAnswers { get; } = new();

    /// <summary>Exceptions thrown by the next PushResult calls (after the whole stream was read).</summary>
    public Queue<Exception> PushFailures { get; } = new();

    public Dictionary<string, byte[]> Artifacts { get; } = new(StringComparer.Ordinal);

    public int SessionCounter { get; private set; }

    public Task<JoinResponse> JoinAsync(JoinRequest request, CallOptions options)
    {
        lock (_gate)
        {
            Joins.Add(request.Clone());
            if (JoinFailures.TryDequeue(out var failure)) throw failure;
            SessionCounter++;
            return Task.FromResult(new JoinResponse { SiteId = "site-" + request.DisplayName, SessionId = $"session-{SessionCounter}", CoordinatorVersion = "test" });
        }
    }

    /// <summary>When the script is empty: hold the poll open until the caller cancels (as a real long-poll does), instead of answering Stop.</summary>
    public bool HoldPollWhenIdle { get; set; }

    public async Task<PullTaskResponse> PullTaskAsync(PullTaskRequest request, CallOptions options)
    {
        Func<PullTaskRequest, PullTaskResponse>? answer;
        lock (_gate)
        {
            Pulls.Add(request.Clone());
            PullAnswers.TryDequeue(out answer);
        }
        if (answer is null && HoldPollWhenIdle)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, options.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                // The real channel reports a call cancelled by its caller as a CANCELLED status.
                throw new RpcException(new Status(StatusCode.Cancelled, "PullTask was cancelled by the caller."));
            }
        }
        return answer is null ? new PullTaskResponse { Stop = new StopInstruction { Reason = "script ended" } } : answer(request);
    }

    public async IAsyncEnumerable<ArtifactChunk> FetchArtifact(FetchArtifactRequest request, CallOptions options)
    {
        byte[] bytes;
        lock (_gate)
        {
            Fetches.Add(request.Clone());
            bytes = Artifacts[request.Digest];
        }
        var size = request.ChunkSizeBytes == 0 ? 1 << 20 : request.ChunkSizeBytes;
        for (var at = request.Offset; at < bytes.Length; at += size)
        {
            await Task.Yield();
            yield return new ArtifactChunk
            {
                Offset = at, TotalBytes = bytes.Length, Digest = request.Digest,
                Data = Google.Protobuf.ByteString.CopyFrom(bytes, (int)at, (int)Math.Min(size, bytes.Length - at)),
            };
        }
    }

    public async Task<Receipt> PushResultAsync(IAsyncEnumerable<PushResultRequest> requests, CallOptions options)
    {
        ResultHeader? header = null;
        using var payload = new MemoryStream();
        await foreach (var part in requests.WithCancellation(options.CancellationToken))
        {
            if (part.PartCase == PushResultRequest.PartOneofCase.Header) header = part.Header;
            else part.Chunk.WriteTo(payload);
        }
        lock (_gate)
        {
            if (PushFailures.TryDequeue(out var failure)) throw failure;
            Pushes.Add((header!, payload.ToArray()));
            return new Receipt
            {
                TaskId = header!.TaskId, Round = header.Round, Outcome = ResultOutcome.Accepted,
                PayloadSha256 = header.PayloadSha256, PayloadBytes = payload.Length, SiteId = "site",
            };
        }
    }

    public void Dispose()
    {
    }
}
