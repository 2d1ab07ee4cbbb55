using FedTransfer.Federation.Ledger;

namespace FedTransfer.Cli.Tests.TestSupport;

/// <summary>A small development-key ledger in a temporary folder: one task, a sent push, a refused push with hostile text.</summary>
internal sealed class AuditLedger : IDisposable
{
    public const string HostileName = "<script>alert('x')</script>&amp;";

    public AuditLedger()
    {
        Directory.CreateDirectory(Folder);
        using var key = LedgerSigningKey.LoadOrCreateDevelopmentKey(Path.Combine(Folder, "key.pem"), "clinic <b>");
        using var writer = LedgerWriter.Open(LedgerPath, key);
        LedgerTensor[] trainable = [new("lora.a", "F32", [2, 4], 32), new("head.bias", "F32", [3], 12)];
        writer.Append(new LedgerRecord
        {
            Kind = LedgerKinds.Task, Federation = "lora:r=2 on 0123456789ab", RunId = "run-1", Round = 1, TaskId = "task-1",
            TaskInfo = new LedgerTaskInfo("train", new string('0', 64), "lora:r=2", "float32", trainable),
        });
        writer.Append(new LedgerRecord
        {
            Kind = LedgerKinds.Push, Federation = "lora:r=2 on 0123456789ab", RunId = "run-1", Round = 1, TaskId = "task-1", Decision = LedgerFormat.Sent,
            Tensors = trainable, PayloadSha256 = Sha, PayloadBytes = 200, Encoding = "float32",
        });
        writer.Append(new LedgerRecord
        {
            Kind = LedgerKinds.Push, Federation = "lora:r=2 on 0123456789ab", RunId = "run-1", Round = 1, TaskId = "task-1", Decision = LedgerFormat.Refused,
            Reason = $"tensor '{HostileName}' is not in the trainable set", Tensors = [new(HostileName, "F32", [1], 4)],
        });
    }

    public static readonly string Sha = new('a', 64);
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "fedtransfer-cli-audit-" + Guid.NewGuid().ToString("N")[..10]);
    public string LedgerPath => Path.Combine(Folder, "ledger.jsonl");

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
