using System.Security.Cryptography.X509Certificates;
using FedTransfer.Federation.Ledger;

namespace FedTransfer.Federation.Tests.TestSupport;

/// <summary>
/// Writes realistic site ledgers for tests: per round a task record, pull, fetch, a sent push and the coordinator's
/// signed receipt for it.
/// </summary>
internal sealed class LedgerScenario : IDisposable
{
    public static readonly LedgerTensor[] Trainable =
    [
        new("blocks.0.attn.qkv.lora_a", "F32", [4, 16], 256),
        new("blocks.0.attn.qkv.lora_b", "F32", [48, 4], 768),
        new("head.weight", "F32", [5, 16], 320),
    ];

    public TestPki Pki { get; } = new();
    public TempFolder Folder { get; } = new();
    public X509Certificate2 Site { get; }
    public X509Certificate2 Coordinator { get; }

    public LedgerScenario()
    {
        Site = Pki.Issue("site-a", "site");
        Coordinator = Pki.Issue("coordinator", "coordinator");
    }

    public string LedgerPath => Folder.File("ledger.jsonl");
    public string CaPath
    {
        get
        {
            var path = Folder.File("ca.pem");
            if (!File.Exists(path)) File.WriteAllText(path, Pki.Ca.ExportCertificatePem());
            return path;
        }
    }

    public LedgerSigningKey SiteKey()
    {
        var (cert, key) = TestPki.WritePem(Site, Folder.File("site"));
        return LedgerSigningKey.FromCertificate(cert, key);
    }

    /// <summary>Writes <paramref name="rounds"/> rounds (5 records each) after the genesis record.</summary>
    public void Write(int rounds, LedgerSigningKey? key = null)
    {
        using var own = key is null ? SiteKey() : null;
        using var writer = LedgerWriter.Open(LedgerPath, key ?? own!);
        for (var round = 1; round <= rounds; round++) WriteRound(writer, round);
    }

    public void WriteRound(LedgerWriter writer, int round, LedgerTensor[]? sentTensors = null)
    {
        var taskId = $"task-{round}";
        const string federation = "lora:r=4 on 0123456789ab";
        writer.Append(new LedgerRecord
        {
            Kind = LedgerKinds.Task, Federation = federation, RunId = "run-1", Round = round, TaskId = taskId,
            TaskInfo = new LedgerTaskInfo("train", new string('a', 64), "lora:r=4", "float32", Trainable),
        });
        writer.Append(Egress(LedgerKinds.Pull, round, null));
        writer.Append(Egress(LedgerKinds.Fetch, round, taskId) with { Summary = new string('b', 64) + " from offset 0" });
        var sha = PayloadSha(round);
        writer.Append(Egress(LedgerKinds.Push, round, taskId) with
        {
            Federation = federation, Tensors = sentTensors ?? Trainable, PayloadSha256 = sha, PayloadBytes = 1500, Encoding = "float32",
        });
        writer.Append(new LedgerRecord { Kind = LedgerKinds.Receipt, RunId = "run-1", Round = round, TaskId = taskId, Receipt = Receipt(taskId, round, sha, 1500) });
    }

    /// <summary>The payload digest <see cref="WriteRound"/> records for a round.</summary>
    public static string PayloadSha(int round) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(round)));

    public string ReceiptLogPath => Folder.File("receipts.jsonl");

    /// <summary>One line of the coordinator's receipt log, signed by <see cref="Coordinator"/>, as the coordinator writes it.</summary>
    public string ReceiptLogLine(string taskId, int round, string sha, long bytes = 1500, string site = "site-a", LedgerHead? head = null)
    {
        var receivedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using var key = Coordinator.GetECDsaPrivateKey()!;
        var signature = ReceiptSigning.Sign(key, ReceiptSigning.CanonicalBytes(taskId, site, "run-1", round, "accepted", sha, bytes, receivedUnixMs, head));
        return new FedTransfer.Federation.Receipts.ReceiptLogRecord(taskId, site, "run-1", round, "accepted", "", sha, bytes, receivedUnixMs, signature,
            Coordinator.ExportCertificatePem()) { LedgerHeadSeq = head?.Sequence, LedgerHeadSha256 = head?.Sha256 }.ToJsonLine();
    }

    /// <summary>Writes the receipt log: one signed receipt per round 1..<paramref name="rounds"/>, matching <see cref="WriteRound"/>.</summary>
    public void WriteReceiptLog(int rounds, params string[] extraLines) =>
        File.WriteAllLines(ReceiptLogPath, Enumerable.Range(1, rounds).Select(r => ReceiptLogLine($"task-{r}", r, PayloadSha(r))).Concat(extraLines));

    public LedgerReceipt Receipt(string taskId, int round, string sha, long bytes, long receivedUnixMs = 0)
    {
        receivedUnixMs = receivedUnixMs == 0 ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() : receivedUnixMs;
        using var key = Coordinator.GetECDsaPrivateKey()!;
        var signature = ReceiptSigning.Sign(key, ReceiptSigning.CanonicalBytes(taskId, "site-a", "run-1", round, "accepted", sha, bytes, receivedUnixMs));
        return new LedgerReceipt(taskId, "site-a", "run-1", round, "accepted", "", sha, bytes, receivedUnixMs, false,
            Convert.ToBase64String(signature), Coordinator.ExportCertificatePem());
    }

    private static LedgerRecord Egress(string kind, int round, string? taskId) => new()
    {
        Kind = kind, RunId = "run-1", Round = round, TaskId = taskId, Destination = "https://coordinator:7443", Decision = LedgerFormat.Sent,
    };

    public LedgerVerification Verify(bool withCa = true) =>
        new LedgerVerifier(withCa ? CertificateTrust.FromPemFile(CaPath) : null).Verify(LedgerPath);

    public string[] Lines() => File.ReadAllText(LedgerPath).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public void WriteLines(IEnumerable<string> lines) => File.WriteAllText(LedgerPath, string.Concat(lines.Select(l => l + "\n")));

    public void Dispose()
    {
        Site.Dispose();
        Coordinator.Dispose();
        Pki.Dispose();
        Folder.Dispose();
    }
}
