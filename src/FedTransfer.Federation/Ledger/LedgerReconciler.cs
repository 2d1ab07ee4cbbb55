using System.Text;

namespace FedTransfer.Federation.Ledger;

/// <summary>One disagreement between a site ledger and the coordinator's receipt log.</summary>
public sealed record ReconcileMismatch(string TaskId, string Problem);

/// <summary>The outcome of <see cref="LedgerReconciler.Reconcile"/>.</summary>
public sealed record ReconcileResult(IReadOnlyList<string> SiteIds, int Matched, int CoordinatorEntries, int LedgerResults, IReadOnlyList<ReconcileMismatch> Mismatches)
{
    public bool IsConsistent => Mismatches.Count == 0;
}

/// <summary>
/// Compares what a site recorded as sent with what the coordinator holds from it: every update in the coordinator's
/// receipt log for the site must match a sent result in the ledger (task, SHA-256, bytes), and every sent result must
/// have a receipt in the log. The site is identified by the site ids on the receipts in its ledger, else by its
/// genesis name, unless given.
/// </summary>
public static class LedgerReconciler
{
    public static ReconcileResult Reconcile(string ledgerPath, IReadOnlyList<ReceiptLogEntry> log, string? siteId = null)
    {
        var sent = new Dictionary<string, List<LedgerRecord>>(StringComparer.Ordinal);
        var siteIds = new HashSet<string>(StringComparer.Ordinal);
        string? genesisSite = null;
        foreach (var raw in LedgerReader.Lines(ledgerPath))
        {
            if (!raw.Terminated) break;
            LedgerRecord record;
            try
            {
                record = LedgerFormat.Parse(raw.Bytes.Span);
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new FormatException($"ledger {ledgerPath}, line {raw.LineNumber}: not a ledger record ({e.Message}); run `fedtransfer audit verify` on it");
            }
            if (record.Genesis is { } g) genesisSite = g.Site;
            if (record.Receipt is { } r && r.SiteId.Length > 0) siteIds.Add(r.SiteId);
            if (record is { Kind: LedgerKinds.Push, Decision: LedgerFormat.Sent, Declined: null, TaskId: { } task } && record.PayloadBytes > 0)
            {
                if (!sent.TryGetValue(task, out var list)) sent[task] = list = [];
                list.Add(record);
            }
        }
        if (siteId is not null) siteIds = [siteId];
        else if (siteIds.Count == 0 && genesisSite is not null) siteIds.Add(genesisSite);

        var mismatches = new List<ReconcileMismatch>();
        var held = log.Where(e => siteIds.Contains(e.SiteId) && e.PayloadBytes > 0).ToList();
        var matched = 0;
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in held)
        {
            answered.Add(entry.TaskId);
            if (!sent.TryGetValue(entry.TaskId, out var results))
                mismatches.Add(new ReconcileMismatch(entry.TaskId, $"the coordinator holds an update (receipt log line {entry.Line}, sha256 {entry.PayloadSha256}, {entry.PayloadBytes} bytes) that the ledger does not record as sent"));
            else if (!results.Any(r => r.PayloadSha256 == entry.PayloadSha256 && r.PayloadBytes == entry.PayloadBytes))
                mismatches.Add(new ReconcileMismatch(entry.TaskId, $"the coordinator holds sha256 {entry.PayloadSha256} ({entry.PayloadBytes} bytes) but the ledger records {Describe(results)}"));
            else matched++;
        }
        foreach (var (task, results) in sent)
        {
            if (!answered.Contains(task))
                mismatches.Add(new ReconcileMismatch(task, $"the ledger records {Describe(results)} as sent (record {results[0].Sequence}) but the coordinator's log has no receipt for it"));
        }
        return new ReconcileResult(siteIds.Order(StringComparer.Ordinal).ToList(), matched, held.Count, sent.Values.Sum(l => l.Count), mismatches);
    }

    private static string Describe(List<LedgerRecord> results)
    {
        var text = new StringBuilder();
        foreach (var r in results)
        {
            if (text.Length > 0) text.Append(" and ");
            text.Append($"sha256 {r.PayloadSha256} ({r.PayloadBytes} bytes)");
        }
        return text.ToString();
    }
}
