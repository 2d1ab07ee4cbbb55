namespace FedTransfer.Federation.Ledger;

/// <summary>One declared ledger head a verified ledger does not hold: it was cut after it (<see cref="Cut"/>) or the record differs.</summary>
public sealed record HeadFinding(string TaskId, bool Cut, string Problem);

/// <summary>
/// Checks a verified ledger against the ledger heads its site declared when sending, as the coordinator signed them into
/// its receipts: each names the sent record (sequence number and SHA-256 of its line), which must still be in the
/// ledger. A ledger cut anywhere after a receipted result then no longer passes for a site that stopped sending.
/// </summary>
public static class DeclaredHeads
{
    /// <summary>The findings, in receipt log order; a cut is one finding naming the furthest head beyond the ledger's end.</summary>
    public static IReadOnlyList<HeadFinding> Check(LedgerVerification ledger, IEnumerable<ReceiptLogEntry> receipts, IReadOnlySet<string> siteIds)
    {
        var sent = new Dictionary<long, SentPayload>();
        foreach (var s in ledger.SentResults) sent[s.Sequence] = s;
        var findings = new List<HeadFinding>();
        ReceiptLogEntry? furthest = null;
        var beyond = 0;
        foreach (var r in receipts)
        {
            if (!siteIds.Contains(r.SiteId) || r.LedgerHead is not { } head) continue;
            if (head.Sequence > ledger.HeadSequence)
            {
                beyond++;
                if (furthest is null || head.Sequence > furthest.LedgerHead!.Value.Sequence) furthest = r;
            }
            else if (!sent.TryGetValue(head.Sequence, out var s) || s.LineSha256 != head.Sha256 || s.TaskId != r.TaskId)
            {
                findings.Add(new HeadFinding(r.TaskId, false,
                    $"record {head.Sequence} is not the sent result for task '{r.TaskId}' that the site declared as its ledger head when sending " +
                    $"(receipt log line {r.Line}, sha256 {head.Sha256}): the ledger was altered after the coordinator receipted it"));
            }
        }
        if (furthest is not null)
        {
            findings.Add(new HeadFinding(furthest.TaskId, true,
                $"the ledger ends at record {ledger.HeadSequence}, but the site declared record {furthest.LedgerHead!.Value.Sequence} as its head when sending " +
                $"task '{furthest.TaskId}' (receipt log line {furthest.Line}{(beyond > 1 ? $", and {beyond - 1} more receipt(s) beyond the end" : "")}): " +
                $"the ledger was cut after record {ledger.HeadSequence}"));
        }
        return findings;
    }
}
