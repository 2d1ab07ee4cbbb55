using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Receipts;
using FedTransfer.Coordinator.Runs;
using FedTransfer.Coordinator.Security;
using FedTransfer.Coordinator.Sites;
using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Updates;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator;

/// <summary>
/// Federation.PushResult: receives a result (header, then payload chunks) into its task's payload file with size and SHA-256
/// checked, validates it against the run's trainable set, applies it to the open round (where a valid train update
/// joins the streaming FedAvg aggregate) and records it. Idempotent by task id: a repeated push gets the first receipt.
/// Every receipt is signed and logged by <see cref="ReceiptNotary"/> before it is answered.
/// Transport problems are gRPC errors (the site may retry); content problems are a REJECTED receipt (final).
/// </summary>
internal sealed class ResultIntake(
    SiteObjectAccess access, TaskStore tasks, RunStore runs, RunRegistry registry, UpdateFiles payloads, TaskMailbox mailbox,
    RunEventHub events, ReceiptNotary notary, IOptions<CoordinatorOptions> options, TimeProvider clock, ILogger<ResultIntake> log)
{
    private readonly KeyedLock _taskLocks = new();
    private readonly SemaphoreSlim _receiving = new(options.Value.MaxConcurrentUploads, options.Value.MaxConcurrentUploads);

    public async Task<Receipt> PushAsync(IAsyncEnumerable<PushResultRequest> requests, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await using var messages = requests.GetAsyncEnumerator(ct);
        if (!await messages.MoveNextAsync().ConfigureAwait(false) || messages.Current.PartCase != PushResultRequest.PartOneofCase.Header)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first PushResult message must be the header (task id, round, example count, payload size and SHA-256)"));
        var header = messages.Current.Header;
        var siteId = access.SiteOfSession(header.SessionId, context);
        var task = tasks.Find(header.TaskId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"unknown task_id '{header.TaskId}'; only tasks from PullTask can be answered"));
        access.RequireOwnTask(task, siteId, context);
        if (header.Round != task.Round)
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"header round {header.Round} does not match task {task.TaskId}'s round {task.Round}"));
        CheckPayloadDeclaration(header, task);
        if (header.LedgerHeadSha256.Length > 0 && (header.LedgerHeadSeq < 0 || !Sha256Digest.IsValid(header.LedgerHeadSha256)))
            throw new RpcException(new Status(StatusCode.InvalidArgument, "ledger_head_sha256 must be 64 lowercase hex with ledger_head_seq >= 0, or both unset"));

        using var _ = await _taskLocks.AcquireAsync(task.TaskId, ct).ConfigureAwait(false);
        if (tasks.FindUpdate(task.TaskId) is { } first)
        {
            // Already answered (a retry after a lost receipt, or a coordinator restart): the first result stands.
            while (await messages.MoveNextAsync().ConfigureAwait(false)) { }
            return notary.Issue(WithDeclaredHead(ToReceipt(first, duplicate: true), header));
        }
        // Bounded concurrency: a round's sites tend to finish together, and receiving + validating all their payloads
        // at once only multiplies buffers; waiting uploads are held back by HTTP/2 flow control meanwhile.
        UpdateRow row;
        ArtifactInfo? payload;
        await _receiving.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            payload = await ReceivePayloadAsync(messages, header, task.TaskId, ct).ConfigureAwait(false);
            row = await RecordAsync(task, header, payload, ct).ConfigureAwait(false);
        }
        finally
        {
            _receiving.Release();
        }
        // Only accepted payloads are needed (until their round's aggregate is written).
        if (payload is not null && row.Outcome != RowValues.Accepted && !options.Value.KeepUpdatePayloads) payloads.Delete(task.TaskId);
        mailbox.Withdraw(task.TaskId);
        events.Publish(task.RunId, e =>
        {
            e.SiteUpdate = new SiteUpdateReceived
            {
                Round = row.Round, SiteId = row.SiteId, TaskId = row.TaskId, Outcome = ProtoMapping.ToOutcome(row.Outcome),
                Reason = row.Reason, ExampleCount = row.Examples, PayloadBytes = row.SizeBytes,
            };
            e.SiteUpdate.Metrics.Add(ProtoMapping.ParseMetrics(row.MetricsJson));
        });
        CoordinatorLog.ResultRecorded(log, row.RunId, row.Outcome, row.SiteId, row.Round, row.TaskId, row.SizeBytes, row.Examples, row.Reason);
        return notary.Issue(WithDeclaredHead(ToReceipt(row, duplicate: false), header));
    }

    private void CheckPayloadDeclaration(ResultHeader header, TaskRow task)
    {
        if (header.Declined != DeclineReason.Unspecified)
        {
            if (header.PayloadEncoding is not (PayloadEncoding.None or PayloadEncoding.Unspecified) || header.PayloadTotalBytes != 0)
                throw new RpcException(new Status(StatusCode.InvalidArgument, "a declined task is answered without a payload: payload_encoding NONE and payload_total_bytes 0"));
        }
        else if (task.Kind == RowValues.Train)
        {
            if (header.PayloadEncoding != PayloadEncoding.Safetensors)
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"a train result must carry a SAFETENSORS payload, got {header.PayloadEncoding}"));
            if (header.PayloadTotalBytes <= 0 || header.PayloadTotalBytes > options.Value.MaxUpdateBytes)
                throw new RpcException(new Status(header.PayloadTotalBytes > 0 ? StatusCode.ResourceExhausted : StatusCode.InvalidArgument,
                    $"payload_total_bytes must be between 1 and {options.Value.MaxUpdateBytes}, got {header.PayloadTotalBytes}"));
            if (!Sha256Digest.IsValid(header.PayloadSha256))
                throw new RpcException(new Status(StatusCode.InvalidArgument, "payload_sha256 must be the payload's SHA-256 as 64 lowercase hex characters"));
        }
        else if (header.PayloadEncoding is not (PayloadEncoding.None or PayloadEncoding.Unspecified) || header.PayloadTotalBytes != 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "an evaluate result carries metrics only: payload_encoding NONE and payload_total_bytes 0"));
        }
    }

    private async Task<ArtifactInfo?> ReceivePayloadAsync(IAsyncEnumerator<PushResultRequest> messages, ResultHeader header, string taskId, CancellationToken ct)
    {
        if (header.PayloadTotalBytes == 0)
        {
            if (await messages.MoveNextAsync().ConfigureAwait(false))
                throw new RpcException(new Status(StatusCode.InvalidArgument, "payload chunks were sent but payload_total_bytes is 0"));
            return null;
        }
        await using var writer = payloads.BeginWrite(taskId, header.PayloadTotalBytes);
        while (await messages.MoveNextAsync().ConfigureAwait(false))
        {
            var message = messages.Current;
            if (message.PartCase != PushResultRequest.PartOneofCase.Chunk)
                throw new RpcException(new Status(StatusCode.InvalidArgument, "only payload chunks may follow the header"));
            if (message.Chunk.Length is 0 or > ArtifactChunking.MaxChunkBytes)
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"each payload chunk must hold 1..{ArtifactChunking.MaxChunkBytes} bytes, got {message.Chunk.Length}"));
            try
            {
                await writer.WriteAsync(message.Chunk.Memory, ct).ConfigureAwait(false);
            }
            catch (ArtifactIntegrityException)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"the payload is longer than the declared {header.PayloadTotalBytes} bytes"));
            }
        }
        try
        {
            return await writer.CommitAsync(header.PayloadSha256, header.PayloadTotalBytes, ct).ConfigureAwait(false);
        }
        catch (ArtifactIntegrityException e)
        {
            throw new RpcException(new Status(StatusCode.DataLoss, e.Message));
        }
    }

    private async Task<UpdateRow> RecordAsync(TaskRow task, ResultHeader header, ArtifactInfo? payload, CancellationToken ct)
    {
        var run = registry.Get(task.RunId);
        var metrics = new Dictionary<string, double>(header.Metrics);
        var check = Check(run, task, header, metrics);
        var trainResult = task.Kind == RowValues.Train && payload is not null
            ? () => new SiteTrainResult(task.SiteId, header.ExampleCount, metrics, run.Decoded(() => payloads.OpenRead(task.TaskId), $"update of task {task.TaskId}"))
            : (Func<SiteTrainResult>?)null;
        // A refused result's metrics are not stored: a metric that broke the rules must not be kept for anyone to read.
        var stored = check.IsValid ? metrics : new Dictionary<string, double>();
        var row = new UpdateRow(task.TaskId, task.RunId, task.Round, task.Kind, task.SiteId, payload?.Digest ?? "", payload?.SizeBytes ?? 0,
            header.ExampleCount, ProtoMapping.MetricsJson(stored), "", "", clock.GetUtcNow().ToUnixTimeMilliseconds());
        var active = run.Active;
        if (active is not null && active.Round == task.Round && active.Kind == task.Kind)
        {
            using (await active.EnterAsync(ct).ConfigureAwait(false))
            {
                var (outcome, reason) = active.Apply(task.SiteId, check, trainResult);
                return tasks.InsertUpdate(row with { Outcome = outcome, Reason = reason });
            }
        }
        if (runs.Find(task.RunId)?.State == RowValues.Running && runs.FindRound(task.RunId, task.Round, task.Kind)?.State == RowValues.Open)
            throw new RpcException(new Status(StatusCode.Unavailable, $"round {task.Round} of run {task.RunId} is being reopened after a restart; retry in a moment"));
        return check.IsValid
            ? tasks.InsertUpdate(row with { Outcome = RowValues.Late, Reason = $"round {task.Round} had already closed; the result is recorded but not used" })
            : tasks.InsertUpdate(row with { Outcome = RowValues.Rejected, Reason = check.Reason! });
    }

    private UpdateCheck Check(RunContext run, TaskRow task, ResultHeader header, IReadOnlyDictionary<string, double> metrics)
    {
        // A decline counts as the site's answer without a result (like a rejection), so the round need not wait for it.
        if (header.Declined != DeclineReason.Unspecified) return UpdateCheck.Reject(DeclinedReason(header.Declined));
        var examples = header.ExampleCount;
        var check = UpdateValidator.CheckExampleCount(examples);
        if (!check.IsValid) return check;
        // The same allowlist the site's egress rules apply: a modified site client is not trusted to have applied it.
        if (ResultMetrics.Check(metrics, task.Kind == RowValues.Train) is { } badMetric) return UpdateCheck.Reject(badMetric);
        if (task.Kind != RowValues.Train) return check;
        var encoding = (DeltaEncoding)(int)header.UpdateEncoding;
        if (encoding != run.Settings.Encoding)
            return UpdateCheck.Reject($"the result declares update encoding {Describe(header.UpdateEncoding)} but run {run.RunId} uses {run.Settings.Encoding.ToText()}");
        using var stream = payloads.OpenRead(task.TaskId);
        return run.Validator.Validate(stream, examples, $"update of task {task.TaskId}");
    }

    /// <summary>What a site's privacy-budget decline is recorded as: that site is not sampled again in the run.</summary>
    public static readonly string PrivacyBudgetDeclined = DeclinedReason(DeclineReason.PrivacyBudgetExhausted);

    /// <summary>The reason recorded for a declined task; the run driver excludes a site whose decline reads <see cref="PrivacyBudgetDeclined"/>.</summary>
    public static string DeclinedReason(DeclineReason reason) => reason switch
    {
        DeclineReason.PrivacyBudgetExhausted => "the site declined the task under its local policy: privacy budget exhausted",
        DeclineReason.BackboneNotAllowed => "the site declined the task under its local policy: backbone not allowed",
        DeclineReason.AdapterNotAllowed => "the site declined the task under its local policy: adapter spec not allowed",
        DeclineReason.TooFewExamples => "the site declined the task under its local policy: too few local examples",
        DeclineReason.LabelMismatch => "the site cannot do the task: its labels do not fit the task's classes; check classes= in the task spec",
        DeclineReason.IncompatibleBackbone => "the site cannot do the task: it cannot build this backbone with this adapter spec",
        DeclineReason.NonFiniteLoss => "the site cannot do the task: training diverged (non-finite loss); lower the learning rate or check the backbone for NaN weights",
        DeclineReason.OutOfMemory => "the site cannot do the task: it ran out of memory; lower the batch size",
        DeclineReason.InvalidTask => "the site cannot do the task: its hyper-parameters or task spec are unusable there",
        DeclineReason.LocalFault => "the site cannot do the task: a local fault (the site's log says which)",
        _ => $"the site declined the task (reason code {(int)reason})",
    };

    private static string Describe(UpdateEncoding encoding) =>
        DeltaEncodings.IsDefined((DeltaEncoding)(int)encoding) ? ((DeltaEncoding)(int)encoding).ToText() : $"#{(int)encoding}";

    // The ledger head the site declared with this push goes into the signed receipt as received (docs/AUDIT-FORMAT.md).
    private static Receipt WithDeclaredHead(Receipt receipt, ResultHeader header)
    {
        receipt.LedgerHeadSeq = header.LedgerHeadSeq;
        receipt.LedgerHeadSha256 = header.LedgerHeadSha256;
        return receipt;
    }

    private static Receipt ToReceipt(UpdateRow row, bool duplicate) => new()
    {
        TaskId = row.TaskId,
        SiteId = row.SiteId,
        RunId = row.RunId,
        Round = row.Round,
        Outcome = ProtoMapping.ToOutcome(row.Outcome),
        Reason = row.Reason,
        PayloadSha256 = row.Digest,
        PayloadBytes = row.SizeBytes,
        ReceivedUnixMs = row.ReceivedMs,
        Duplicate = duplicate,
    };
}
