using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Ledger;

public class LedgerReconcilerTests
{
    private static ReconcileResult Reconcile(LedgerScenario s) =>
        LedgerReconciler.Reconcile(s.LedgerPath, s.ReceiptLogPath, CertificateTrust.FromPemFile(s.CaPath));

    [Fact]
    public void Reconcile_OneReceiptPerSentResult_IsConsistent()
    {
        using var s = new LedgerScenario();
        s.Write(2);
        s.WriteReceiptLog(2, s.ReceiptLogLine("other-site-task", 1, new string('f', 64), site: "site-b"));

        var result = Reconcile(s);

        Assert.True(result.IsConsistent, string.Join("; ", result.Mismatches.Select(m => m.Problem)) + result.Refusal);
        Assert.Equal((2, 2, 2), (result.Matched, result.CoordinatorEntries, result.LedgerResults));
        Assert.Equal(["site-a"], result.SiteIds);
    }

    [Fact]
    public void Reconcile_SecondSentRecordForAReceiptedTask_IsInconsistent()
    {
        using var s = new LedgerScenario();
        s.Write(2);
        // A validly signed second result for task-1, after the coordinator had receipted the first.
        using (var key = s.SiteKey())
        using (var writer = LedgerWriter.Open(s.LedgerPath, key))
        {
            writer.Append(new LedgerRecord
            {
                Kind = LedgerKinds.Push, RunId = "run-1", Round = 1, TaskId = "task-1", Decision = LedgerFormat.Sent,
                Tensors = LedgerScenario.Trainable, PayloadSha256 = new string('e', 64), PayloadBytes = 1500, Encoding = "float32",
            });
        }
        s.WriteReceiptLog(2);
        Assert.True(s.Verify().IsValid);

        var result = Reconcile(s);

        Assert.False(result.IsConsistent);
        var duplicate = Assert.Single(result.Mismatches);
        Assert.Equal(("task-1", ReconcileProblem.DuplicateSent), (duplicate.TaskId, duplicate.Kind));
        Assert.Contains("2 sent results", duplicate.Problem);
        Assert.Equal(1, result.Matched);
    }

    [Fact]
    public void Reconcile_DuplicateReceiptInTheLog_IsInconsistent()
    {
        using var s = new LedgerScenario();
        s.Write(2);
        s.WriteReceiptLog(2, s.ReceiptLogLine("task-2", 2, LedgerScenario.PayloadSha(2)));

        var result = Reconcile(s);

        var duplicate = Assert.Single(result.Mismatches);
        Assert.Equal(("task-2", ReconcileProblem.DuplicateReceipt), (duplicate.TaskId, duplicate.Kind));
        Assert.Contains("line 3", duplicate.Problem);
    }

    [Fact]
    public void Reconcile_ListsOrphansAndDigestMismatchesBothWays()
    {
        using var s = new LedgerScenario();
        s.Write(3);
        File.WriteAllLines(s.ReceiptLogPath,
        [
            s.ReceiptLogLine("task-1", 1, LedgerScenario.PayloadSha(1)),
            s.ReceiptLogLine("task-2", 2, new string('9', 64)),
            s.ReceiptLogLine("task-99", 9, new string('8', 64)),
        ]);

        var result = Reconcile(s);

        Assert.False(result.IsConsistent);
        Assert.Equal(3, result.Mismatches.Count);
        Assert.Contains(result.Mismatches, m => m is { TaskId: "task-2", Kind: ReconcileProblem.DigestMismatch } && m.Problem.Contains("sha256 999"));
        Assert.Contains(result.Mismatches, m => m is { TaskId: "task-3", Kind: ReconcileProblem.SentWithoutReceipt } && m.Problem.Contains("record 14"));
        Assert.Contains(result.Mismatches, m => m is { TaskId: "task-99", Kind: ReconcileProblem.ReceiptWithoutSent } && m.Problem.Contains("line 3"));
        Assert.Equal(1, result.Matched);
    }

    [Fact]
    public void Reconcile_LedgerThatDoesNotVerify_IsRefused()
    {
        using var s = new LedgerScenario();
        s.Write(2);
        s.WriteReceiptLog(2);
        var lines = s.Lines();
        lines[4] = lines[4].Replace("\"payload_bytes\":1500", "\"payload_bytes\":1501");
        s.WriteLines(lines);

        var result = Reconcile(s);

        Assert.False(result.IsConsistent);
        Assert.Contains("does not verify", result.Refusal);
        Assert.Contains("record 4", result.Refusal);
    }

    [Fact]
    public void Reconcile_EmptyLedgerFile_IsRefused()
    {
        using var s = new LedgerScenario();
        File.WriteAllText(s.LedgerPath, "");
        s.WriteReceiptLog(1);

        var result = Reconcile(s);

        Assert.False(result.IsConsistent);
        Assert.Contains("empty", result.Refusal);
    }

    [Fact]
    public void Reconcile_EmptyReceiptLog_IsRefused()
    {
        using var s = new LedgerScenario();
        s.Write(1);
        File.WriteAllText(s.ReceiptLogPath, "");

        var result = Reconcile(s);

        Assert.False(result.IsConsistent);
        Assert.Contains("holds no receipt", result.Refusal);
    }

    [Fact]
    public void Reconcile_ForgedReceiptInTheLog_IsRefused()
    {
        using var s = new LedgerScenario();
        s.Write(2);
        s.WriteReceiptLog(2);
        var lines = File.ReadAllLines(s.ReceiptLogPath);
        lines[1] = lines[1].Replace("\"payload_bytes\":1500", "\"payload_bytes\":1400");
        File.WriteAllLines(s.ReceiptLogPath, lines);

        var result = Reconcile(s);

        Assert.False(result.IsConsistent);
        Assert.Contains("line 2", result.Refusal);
        Assert.Contains("does not verify", result.Refusal);
    }
}
