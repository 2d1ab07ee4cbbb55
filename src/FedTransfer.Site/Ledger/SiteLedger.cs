using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Ledger;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Policy;
using FedTransfer.Weights;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Site.Ledger;

/// <summary>
/// The site's egress ledger: the <see cref="EgressGateway"/> appends a record for every outbound message it judges,
/// sent or refused, before sending (durable: fsync'ed), one per task as it arrives (the allowlist a result is later
/// checked against), and the coordinator's receipt after each upload. The format is <see cref="LedgerWriter"/>'s.
/// </summary>
internal sealed class SiteLedger : IDisposable
{
    /// <summary>Name of the development signing key created beside the ledger when the site has no certificate.</summary>
    public const string DevelopmentKeyFile = "ledger-signing-key.pem";

    private readonly LedgerWriter _writer;
    private readonly LedgerSigningKey _key;
    private readonly string _destination;
    private readonly ILogger _log;
    private readonly Dictionary<string, TaskContext> _tasks = new(StringComparer.Ordinal);
    private readonly Queue<string> _taskOrder = new();
    private const int MaxTasks = 256;
    private int _damageReported;

    internal SiteLedger(LedgerWriter writer, LedgerSigningKey key, string destination, ILogger logger)
    {
        _writer = writer;
        _key = key;
        _destination = destination;
        _log = logger;
        Privacy = SitePrivacyAccount.FromLedger(writer.Path);
    }

    /// <summary>The privacy budget spent so far, per federation, as this ledger records it (rebuilt from it at open).</summary>
    public SitePrivacyAccount Privacy { get; }

    /// <summary>The ledger file.</summary>
    public string Path => _writer.Path;

    /// <summary>
    /// Opens the ledger the options name, signed with the client certificate's key when one is configured, else with the
    /// development key beside the ledger.
    /// </summary>
    public static SiteLedger Open(SiteOptions options, ILogger<SiteLedger> logger, TimeProvider? time = null)
    {
        var path = options.ResolveLedgerFile();
        var key = !string.IsNullOrWhiteSpace(options.ClientCertificateFile)
            ? LedgerSigningKey.FromCertificate(options.ClientCertificateFile, options.ClientKeyFile)
            : LedgerSigningKey.LoadOrCreateDevelopmentKey(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, DevelopmentKeyFile), options.DisplayName);
        try
        {
            var writer = LedgerWriter.Open(path, key, time, maxSegmentBytes: options.LedgerSegmentBytes);
            SiteLedgerLog.Opened(logger, path, writer.NextSequence, key.CertificatePem is null ? "a development key (not certified by a CA)" : $"the certificate of '{key.Site}'");
            if (writer.RecoveredTornTail is { } torn) SiteLedgerLog.TornTail(logger, path, torn.Bytes, torn.File);
            return new SiteLedger(writer, key, options.CoordinatorUrl, logger);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Records a task as it arrived: its federation, run, round and the exact tensors a result may carry.</summary>
    /// <remarks>A failure is logged, not thrown: the task's result is then refused at <see cref="Append"/>, where it counts.</remarks>
    public void AppendTask(PullTaskResponse response)
    {
        try
        {
            AppendTaskRecord(response);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            var taskId = response.Train?.TaskId ?? response.Evaluate?.TaskId ?? "";
            SiteLedgerLog.TaskNotRecorded(_log, Path, taskId, e.Message);
        }
    }

    private void AppendTaskRecord(PullTaskResponse response)
    {
        var (taskId, run, round, backbone, spec, kind, encoding, trainable) = response.InstructionCase switch
        {
            PullTaskResponse.InstructionOneofCase.Train => (response.Train.TaskId, response.Train.RunId, response.Train.Round,
                response.Train.Backbone?.Digest ?? "", response.Train.AdapterSpec, "train", EncodingName(response.Train.UpdateEncoding),
                response.Train.Trainable?.Tensors.Select(t => Tensor(t.Name, EgressRules.ToDType(t.Dtype, t.Name), t.Shape)).ToArray()),
            PullTaskResponse.InstructionOneofCase.Evaluate => (response.Evaluate.TaskId, response.Evaluate.RunId, response.Evaluate.Round,
                response.Evaluate.Backbone?.Digest ?? "", response.Evaluate.AdapterSpec, "evaluate", "none", null),
            _ => default,
        };
        if (taskId is null) return;
        var federation = LedgerFormat.FederationOf(spec, backbone);
        Write(new LedgerRecord
        {
            Kind = LedgerKinds.Task, Federation = federation, RunId = run, Round = round, TaskId = taskId,
            TaskInfo = new LedgerTaskInfo(kind, backbone, spec, encoding, trainable),
        });
        lock (_tasks)
        {
            if (_tasks.TryAdd(taskId, new TaskContext(federation, run))) _taskOrder.Enqueue(taskId);
            while (_taskOrder.Count > MaxTasks) _tasks.Remove(_taskOrder.Dequeue());
        }
    }

    /// <summary>
    /// Records an outbound message as the gateway judged it; returns once the record is on disk.
    /// </summary>
    /// <returns>The ledger head the record makes, which a result's header declares to the coordinator.</returns>
    /// <exception cref="IOException">The record could not be written: the message must not be sent.</exception>
    public LedgerHead Append(EgressRecord record, string? refusal, UpdateEncoding? encoding = null)
    {
        TaskContext? task = null;
        if (record.TaskId is not null) lock (_tasks) _tasks.TryGetValue(record.TaskId, out task);
        var isPush = record.Kind == EgressKind.PushResult;
        Write(out var head, new LedgerRecord
        {
            Kind = KindOf(record.Kind),
            Federation = task?.Federation,
            RunId = task?.RunId,
            Round = record.TaskId is null ? null : record.Round,
            TaskId = record.TaskId,
            Destination = _destination,
            Decision = refusal is null ? LedgerFormat.Sent : LedgerFormat.Refused,
            Declined = record.Declined == DeclineReason.Unspecified ? null : record.Declined.ToString(),
            Reason = refusal,
            Summary = isPush ? null : record.Summary,
            Tensors = record.Tensors?.Select(t => Tensor(t.Name, t.DType, t.Shape)).ToArray(),
            PayloadSha256 = isPush ? record.PayloadSha256 : null,
            PayloadBytes = isPush ? record.PayloadBytes : null,
            Encoding = isPush && record.Tensors is not null && encoding is { } e ? EncodingName(e) : null,
            Privacy = record.Privacy is { } p
                ? new LedgerPrivacy(p.ClipNorm, p.NoiseMultiplier, p.NormBeforeClip, p.Spend?.SamplingRate, p.Spend?.Delta, p.Spend?.Rounds, p.Spend?.Epsilon)
                : null,
        });
        return head;
    }

    // Every append goes through here: a damaged ledger is reported once, as the one line saying what to do, and the
    // exception (an IOException) makes the gateway refuse the message, so nothing leaves while the ledger is damaged.
    private LedgerRecord Write(LedgerRecord record) => Write(out _, record);

    private LedgerRecord Write(out LedgerHead head, LedgerRecord record)
    {
        try
        {
            return _writer.Append(record, out head);
        }
        catch (LedgerCorruptException e)
        {
            if (Interlocked.Exchange(ref _damageReported, 1) == 0) SiteLedgerLog.Damaged(_log, e.Message);
            throw;
        }
    }

    /// <summary>Records the coordinator's receipt for an upload (with its signature and certificate when it signed).</summary>
    public void AppendReceipt(Receipt receipt)
    {
        TaskContext? task;
        lock (_tasks) _tasks.TryGetValue(receipt.TaskId, out task);
        try
        {
            Write(new LedgerRecord
            {
                Kind = LedgerKinds.Receipt, Federation = task?.Federation, RunId = receipt.RunId, Round = receipt.Round, TaskId = receipt.TaskId,
                Receipt = new LedgerReceipt(receipt.TaskId, receipt.SiteId, receipt.RunId, receipt.Round, receipt.Outcome.ToSignedText(), receipt.Reason,
                    receipt.PayloadSha256, receipt.PayloadBytes, receipt.ReceivedUnixMs, receipt.Duplicate, Convert.ToBase64String(receipt.Signature.Span),
                    receipt.CoordinatorCertificatePem,
                    receipt.LedgerHeadSha256.Length > 0 ? receipt.LedgerHeadSeq : null, receipt.LedgerHeadSha256.Length > 0 ? receipt.LedgerHeadSha256 : null),
            });
        }
        catch (IOException e)
        {
            // The upload already happened and the receipt is kept by the ReceiptStore too; failing the push would only resend.
            SiteLedgerLog.ReceiptNotRecorded(_log, Path, receipt.TaskId, e.Message);
        }
    }

    private static LedgerTensor Tensor(string name, DType dtype, IReadOnlyList<long> shape)
    {
        long elements = 1;
        foreach (var d in shape) elements = checked(elements * d);
        return new LedgerTensor(name, dtype.ToSafeTensorsName(), [.. shape], elements * dtype.ElementSize());
    }

    private static string KindOf(EgressKind kind) => kind switch
    {
        EgressKind.Join => LedgerKinds.Join,
        EgressKind.PullTask => LedgerKinds.Pull,
        EgressKind.FetchArtifact => LedgerKinds.Fetch,
        EgressKind.PushResult => LedgerKinds.Push,
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The ledger's name of an update encoding (the <c>run start --update-encoding</c> values).</summary>
    public static string EncodingName(UpdateEncoding encoding) => encoding switch
    {
        UpdateEncoding.Float32 => "float32",
        UpdateEncoding.Float16 => "float16",
        UpdateEncoding.Bfloat16 => "bfloat16",
        UpdateEncoding.AffineInt8 => "int8",
        _ => encoding.ToString().ToLowerInvariant(),
    };

    public void Dispose()
    {
        _writer.Dispose();
        _key.Dispose();
    }

    private sealed record TaskContext(string Federation, string RunId);
}
