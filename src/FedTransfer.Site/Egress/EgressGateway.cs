using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Ledger;
using Grpc.Core;
using FedTransfer.Site.Artifacts;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Ledger;
using FedTransfer.Site.Policy;
using FedTransfer.Site.Worker;
using FedTransfer.Weights.Serialization;
using Google.Protobuf;
using TensorSpec = FedTransfer.Weights.Serialization.TensorSpec;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Site.Egress;

/// <summary>
/// The one door out of the site. Every message to the coordinator (Join, PullTask, FetchArtifact, PushResult) goes
/// through <see cref="Admit"/>, which checks it against what the coordinator asked for (the tasks seen arriving here)
/// and a fixed allowlist, and refuses anything else with a logged reason before a byte is sent. The transport is private
/// to this class; nothing else in the site can reach the coordinator. The site's ledger and policy will hook into
/// <see cref="Admit"/>, the single place where an outbound message is judged and described.
/// </summary>
internal sealed class EgressGateway : IArtifactSource, IDisposable
{
    /// <summary>Bytes per PushResult chunk (1 MiB, well inside the 4 MiB message limit).</summary>
    public const int PayloadChunkBytes = 1 << 20;
    private const int MaxGrants = 64;
    private const int MaxPushAttempts = 8;

    private readonly ICoordinatorTransport _transport;
    private readonly ILogger _log;
    private readonly Func<ReconnectBackoff> _backoff;
    private readonly int _fetchChunkBytes;
    private readonly SitePolicy _policy;
    private readonly SiteLedger? _ledger; // ledger hook: null only in tests that do not look at the ledger
    private readonly object _gate = new();
    private readonly LinkedList<TaskGrant> _grants = new();
    private string? _session;

    internal EgressGateway(ICoordinatorTransport transport, ILogger logger, Func<ReconnectBackoff> backoff, int fetchChunkBytes = 1 << 20,
        SitePolicy? policy = null, SiteLedger? ledger = null)
    {
        _ledger = ledger;
        _transport = transport;
        _log = logger;
        _backoff = backoff;
        _fetchChunkBytes = fetchChunkBytes;
        _policy = policy ?? SitePolicy.Permissive;
    }

    /// <summary>Opens the gRPC channel the options describe; the gateway owns it from then on and enforces <paramref name="policy"/>.</summary>
    public static EgressGateway Connect(SiteOptions options, ILogger<EgressGateway> logger, SitePolicy? policy = null, SiteLedger? ledger = null) =>
        new(CoordinatorChannelFactory.Create(options), logger,
            () => new ReconnectBackoff(TimeSpan.FromMilliseconds(options.ReconnectInitialDelayMs), TimeSpan.FromMilliseconds(options.ReconnectMaxDelayMs)),
            options.FetchChunkBytes, policy, ledger);

    /// <summary>The privacy budget spent so far as the site's ledger records it; null without a ledger (some tests).</summary>
    internal SitePrivacyAccount? PrivacyAccount => _ledger?.Privacy;

    /// <summary>The session of the last successful join, or null.</summary>
    public string? SessionId
    {
        get { lock (_gate) return _session; }
    }

    public async Task<JoinResponse> JoinAsync(JoinRequest request, TimeSpan timeout, CancellationToken ct)
    {
        Admit(new EgressRecord(EgressKind.Join, $"'{request.DisplayName}' on {request.Device?.Device}, {request.ExampleCounts?.Train}+{request.ExampleCounts?.Validation} examples"),
            EgressRules.CheckJoin(request));
        var response = await _transport.JoinAsync(request, new CallOptions(deadline: DateTime.UtcNow + timeout, cancellationToken: ct)).ConfigureAwait(false);
        lock (_gate) _session = response.SessionId;
        return response;
    }

    public async Task<PullTaskResponse> PullTaskAsync(PullTaskRequest request, TimeSpan timeout, CancellationToken ct)
    {
        Admit(new EgressRecord(EgressKind.PullTask, $"wait {request.MaxWaitMs} ms"), EgressRules.CheckPull(request, SessionId));
        var response = await _transport.PullTaskAsync(request, new CallOptions(deadline: DateTime.UtcNow + timeout, cancellationToken: ct)).ConfigureAwait(false);
        Remember(response);
        return response;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ArtifactChunk> FetchAsync(string digest, long offset, [EnumeratorCancellation] CancellationToken ct)
    {
        string? verdict;
        lock (_gate) verdict = EgressRules.CheckFetch(digest, offset, _grants);
        var session = SessionId;
        Admit(new EgressRecord(EgressKind.FetchArtifact, $"{digest} from offset {offset}"), verdict ?? EgressRules.CheckSession(session ?? "", session));
        var request = new FetchArtifactRequest { Digest = digest, Offset = offset, ChunkSizeBytes = _fetchChunkBytes, SessionId = session };
        await foreach (var chunk in _transport.FetchArtifact(request, new CallOptions(cancellationToken: ct)).WithCancellation(ct).ConfigureAwait(false))
            yield return chunk;
    }

    /// <summary>
    /// Sends a result: the header (its payload size and SHA-256 computed here, from the exact bytes that go out) and
    /// the payload in 1 MiB chunks. Retried while the coordinator is unavailable, which is safe because results are
    /// idempotent by task id. <paramref name="privacy"/> says what clipping and noise the delta went through; the site
    /// policy decides whether it had to (a train result under a privacy policy without it is refused). It stays at the
    /// site (ledger), never in the header.
    /// </summary>
    public async Task<Receipt> PushResultAsync(ResultHeader header, ReadOnlyMemory<byte> payload, CancellationToken ct, LocalPrivacyApplied? privacy = null)
    {
        TaskGrant? grant;
        string? session;
        lock (_gate)
        {
            grant = _grants.FirstOrDefault(g => g.TaskId == header.TaskId);
            session = _session;
        }
        var sha = payload.Length == 0 ? "" : Convert.ToHexStringLower(SHA256.HashData(payload.Span));
        var verdict = EgressRules.CheckResult(header, payload, grant, session) ?? EgressPolicyRules.CheckPolicy(header, grant!, _policy, privacy);
        if (verdict is null && header.PayloadSha256.Length > 0 && (header.PayloadSha256 != sha || header.PayloadTotalBytes != payload.Length))
            verdict = "the header's payload size or digest does not describe the payload being sent";
        var head = Admit(new EgressRecord(EgressKind.PushResult, $"task {header.TaskId} round {header.Round}, {payload.Length} bytes sha256 {sha}",
            header.TaskId, header.Round, payload.Length, sha, TensorsOf(payload), privacy, header.Declined), verdict, header.UpdateEncoding);

        var sent = header.Clone();
        sent.PayloadTotalBytes = payload.Length;
        sent.PayloadSha256 = sha;
        // The head this send's own record makes: the coordinator signs it into the receipt (docs/AUDIT-FORMAT.md).
        sent.LedgerHeadSeq = head?.Sequence ?? 0;
        sent.LedgerHeadSha256 = head?.Sha256 ?? "";
        var backoff = _backoff();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var receipt = await _transport.PushResultAsync(Parts(sent, payload, ct), new CallOptions(cancellationToken: ct)).ConfigureAwait(false);
                lock (_gate) _grants.Remove(grant!);
                _ledger?.AppendReceipt(receipt); // ledger hook
                SiteLog.ResultSent(_log, sent.TaskId, payload.Length, receipt.Outcome.ToString(), receipt.Duplicate);
                return receipt;
            }
            catch (Exception e) when (attempt < MaxPushAttempts && TransientFailure.IsTransient(e) && !ct.IsCancellationRequested)
            {
                var delay = backoff.Next();
                SiteLog.PushRetry(_log, sent.TaskId, attempt, delay.TotalMilliseconds, FailureText.OneLine(e));
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
        }
    }

    private static async IAsyncEnumerable<PushResultRequest> Parts(ResultHeader header, ReadOnlyMemory<byte> payload, [EnumeratorCancellation] CancellationToken ct)
    {
        yield return new PushResultRequest { Header = header };
        for (var at = 0; at < payload.Length; at += PayloadChunkBytes)
        {
            // Yielding between chunks lets the transport send each one before the next 1 MiB copy is made.
            await Task.Yield();
            ct.ThrowIfCancellationRequested();
            yield return new PushResultRequest { Chunk = ByteString.CopyFrom(payload.Span.Slice(at, Math.Min(PayloadChunkBytes, payload.Length - at))) };
        }
    }

    // The chokepoint: every outbound message is judged here, and refused ones never reach the transport. The site's
    // ledger appends the record here (durably, before sending), refusals included; the site policy's checks are part of
    // the verdict (EgressPolicyRules.CheckPolicy) and the record carries the privacy applied and any decline code.
    private LedgerHead? Admit(EgressRecord record, string? refusal, UpdateEncoding? encoding = null)
    {
        // Ledger hook: on disk before anything is sent, refusals included; no record, no send.
        LedgerHead? head;
        try
        {
            head = _ledger?.Append(record, refusal, encoding);
        }
        catch (IOException e)
        {
            SiteLog.EgressRefused(_log, record.Kind, e.Message);
            throw new EgressRefusedException(record.Kind, e.Message, ledgerUnavailable: true);
        }
        if (refusal is not null)
        {
            SiteLog.EgressRefused(_log, record.Kind, refusal);
            throw new EgressRefusedException(record.Kind, refusal);
        }
        SiteLog.EgressAdmitted(_log, record.Kind, record.Summary);
        return head;
    }

    private static IReadOnlyList<TensorSpec>? TensorsOf(ReadOnlyMemory<byte> payload)
    {
        if (payload.IsEmpty) return null;
        try
        {
            return SafeTensors.Read(payload).Tensors.Select(TensorSpec.Of).ToList();
        }
        catch (SafeTensorsFormatException)
        {
            return null;
        }
    }

    private void Remember(PullTaskResponse response)
    {
        TaskGrant? grant = response.InstructionCase switch
        {
            PullTaskResponse.InstructionOneofCase.Train => GrantOf(response.Train),
            PullTaskResponse.InstructionOneofCase.Evaluate => new TaskGrant(response.Evaluate.TaskId, false, response.Evaluate.Round, null,
                Digests(response.Evaluate.Backbone, response.Evaluate.GlobalAdapter),
                BackboneDigest: response.Evaluate.Backbone?.Digest ?? "", AdapterSpec: response.Evaluate.AdapterSpec),
            _ => null,
        };
        if (grant is null) return;
        _ledger?.AppendTask(response); // ledger hook: the task's allowlist is recorded before any result for it can leave
        lock (_gate)
        {
            _grants.AddFirst(grant);
            while (_grants.Count > MaxGrants) _grants.RemoveLast();
        }
    }

    private TaskGrant? GrantOf(TrainTask task)
    {
        try
        {
            return new TaskGrant(task.TaskId, true, task.Round, EgressRules.ToTrainableSet(task.Trainable), Digests(task.Backbone, task.GlobalAdapter),
                EgressRules.ToEncoding(task.UpdateEncoding), task.Backbone?.Digest ?? "", task.AdapterSpec);
        }
        catch (FormatException e)
        {
            // No grant means no result for this task can leave; the task runner meets the same problem and drops the task.
            SiteLog.TaskUnusable(_log, task.TaskId, e.Message);
            return null;
        }
    }

    private static HashSet<string> Digests(params ArtifactRef?[] refs) =>
        refs.Where(r => r is not null && EgressRules.IsDigest(r.Digest)).Select(r => r!.Digest).ToHashSet(StringComparer.Ordinal);

    public void Dispose() => _transport.Dispose();
}
