using System.Text;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Ledger;

public class DeclaredHeadsTests
{
    private static readonly HashSet<string> SiteA = ["site-a"];

    // The coordinator's log for rounds 1..n, each receipt naming the push record (4, 9, 14, ...) as the declared head.
    private static List<ReceiptLogEntry> LogDeclaringHeads(LedgerScenario s, int rounds)
    {
        var lines = s.Lines();
        File.WriteAllLines(s.ReceiptLogPath, Enumerable.Range(1, rounds).Select(r =>
        {
            var seq = 5 * r - 1;
            return s.ReceiptLogLine($"task-{r}", r, LedgerScenario.PayloadSha(r), head: new LedgerHead(seq, LedgerFormat.Hash(Encoding.UTF8.GetBytes(lines[seq]))));
        }));
        return ReceiptLog.Read(s.ReceiptLogPath);
    }

    [Fact]
    public void Check_WholeLedger_HasNoFindings()
    {
        using var s = new LedgerScenario();
        s.Write(3);
        var log = LogDeclaringHeads(s, 3);

        Assert.Empty(DeclaredHeads.Check(s.Verify(), log, SiteA));
    }

    [Theory]
    [InlineData(5)]   // right after the first receipted result's receipt
    [InlineData(10)]  // in the middle of round 2
    [InlineData(14)]  // just before the last receipted result
    public void Check_LedgerCutAfterAReceiptedResult_ReportsTheCut(int keptLines)
    {
        using var s = new LedgerScenario();
        s.Write(3);
        var log = LogDeclaringHeads(s, 3);
        s.WriteLines(s.Lines().Take(keptLines));
        var ledger = s.Verify();
        Assert.True(ledger.IsValid, "a cut at a record boundary verifies on its own");

        var cut = Assert.Single(DeclaredHeads.Check(ledger, log, SiteA));

        Assert.True(cut.Cut);
        Assert.Equal("task-3", cut.TaskId);
        Assert.Contains($"cut after record {keptLines - 1}", cut.Problem);
    }

    [Fact]
    public void Check_RecordOtherThanDeclared_IsNamed()
    {
        using var s = new LedgerScenario();
        s.Write(2);
        var log = LogDeclaringHeads(s, 2);
        log[0] = log[0] with { LedgerHead = new LedgerHead(4, new string('0', 64)) };

        var finding = Assert.Single(DeclaredHeads.Check(s.Verify(), log, SiteA));

        Assert.False(finding.Cut);
        Assert.Contains("record 4 is not the sent result for task 'task-1'", finding.Problem);
    }

    [Fact]
    public void Reconcile_LedgerCutAfterAReceiptedResult_IsInconsistent()
    {
        using var s = new LedgerScenario();
        s.Write(3);
        LogDeclaringHeads(s, 3);
        // Round 3's push and receipt are gone; its receipt in the log declared record 14 as the head.
        s.WriteLines(s.Lines().Take(14));

        var result = LedgerReconciler.Reconcile(s.LedgerPath, s.ReceiptLogPath, CertificateTrust.FromPemFile(s.CaPath));

        Assert.Contains(result.Mismatches, m => m is { Kind: ReconcileProblem.LedgerCut, TaskId: "task-3" });
    }
}
