using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Ledger;

public class LedgerReconcilerTests
{
    private static ReceiptLogEntry Entry(string task, string sha, long bytes = 1500, string site = "site-a", long line = 1) =>
        new(line, task, site, "run-1", 1, "Accepted", sha, bytes, 1, "", "");

    private static List<ReceiptLogEntry> LogOf(LedgerScenario s) => s.Lines()
        .Select(l => LedgerFormat.Parse(System.Text.Encoding.UTF8.GetBytes(l)))
        .Where(r => r.Kind == LedgerKinds.Push)
        .Select(r => Entry(r.TaskId!, r.PayloadSha256!))
        .ToList();

    [Fact]
    public void Reconcile_MatchingLog_IsConsistent()
    {
        using var s = new LedgerScenario();
        s.Write(2);

        var result = LedgerReconciler.Reconcile(s.LedgerPath, [.. LogOf(s), Entry("other-site-task", "ff", site: "site-b")]);

        Assert.True(result.IsConsistent);
        Assert.Equal((2, 2, 2), (result.Matched, result.CoordinatorEntries, result.LedgerResults));
        Assert.Equal(["site-a"], result.SiteIds);
    }

    [Fact]
    public void Reconcile_ListsMismatchesBothWays()
    {
        using var s = new LedgerScenario();
        s.Write(3);
        var log = LogOf(s);
        log[1] = log[1] with { PayloadSha256 = new string('9', 64) };
        log.RemoveAt(2);
        log.Add(Entry("task-99", new string('8', 64), line: 7));

        var result = LedgerReconciler.Reconcile(s.LedgerPath, log);

        Assert.False(result.IsConsistent);
        Assert.Equal(3, result.Mismatches.Count);
        Assert.Contains(result.Mismatches, m => m.TaskId == "task-2" && m.Problem.Contains("the coordinator holds sha256 999"));
        Assert.Contains(result.Mismatches, m => m.TaskId == "task-99" && m.Problem.Contains("line 7") && m.Problem.Contains("does not record"));
        Assert.Contains(result.Mismatches, m => m.TaskId == "task-3" && m.Problem.Contains("no receipt"));
    }
}
