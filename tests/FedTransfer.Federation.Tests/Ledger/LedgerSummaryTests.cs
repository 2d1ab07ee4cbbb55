using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Ledger;

public class LedgerSummaryTests
{
    [Fact]
    public void Build_GroupsSentAndRefusedPerRound_AndTotals()
    {
        using var s = new LedgerScenario();
        using (var key = s.SiteKey())
        using (var writer = LedgerWriter.Open(s.LedgerPath, key))
        {
            s.WriteRound(writer, 1);
            s.WriteRound(writer, 2);
            writer.Append(new LedgerRecord
            {
                Kind = LedgerKinds.Push, Federation = "lora:r=4 on 0123456789ab", RunId = "run-1", Round = 2, TaskId = "task-2",
                Decision = LedgerFormat.Refused, Reason = "tensor 'x' is not in the trainable set",
            });
            writer.Append(new LedgerRecord { Kind = LedgerKinds.Join, Decision = LedgerFormat.Refused, Reason = "bad name" });
        }

        var summary = LedgerSummary.Build(s.LedgerPath);

        Assert.Equal([1, 2], summary.Rounds.Select(r => r.Round));
        Assert.Single(summary.Rounds[1].Refused);
        Assert.Equal(1500, summary.Rounds[0].SentBytes);
        Assert.Equal(3000, summary.TotalPayloadBytes);
        Assert.Equal((2L, 1L), summary.Kinds[LedgerKinds.Push]);
        Assert.Equal((0L, 1L), summary.Kinds[LedgerKinds.Join]);
        Assert.Equal("bad name", Assert.Single(summary.OtherRefused).Reason);
        Assert.Equal(2, summary.Receipts);
        Assert.Equal("site-a", summary.Site);
    }
}
