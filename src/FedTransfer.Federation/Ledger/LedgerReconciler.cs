namespace FedTransfer.Federation.Ledger;

/// <summary>Kinds of disagreement between a site ledger and the coordinator's receipt log.</summary>
public enum ReconcileProblem
{
    /// <summary>The ledger records more than one sent result for a task.</summary>
    DuplicateSent,
    /// <summary>The coordinator's log holds more than one receipt for a task.</summary>
    DuplicateReceipt,
    /// <summary>A sent result without a receipt in the coordinator's log.</summary>
    SentWithoutReceipt,
    /// <summary>A receipt for a result the ledger does not record as sent.</summary>
    ReceiptWithoutSent,
    /// <summary>The sent result and the receipt name the same task but another digest or size.</summary>
    DigestMismatch,
    /// <summary>A receipt names a ledger head beyond the ledger's end: the ledger was cut.</summary>
    LedgerCut,
    /// <summary>A receipt names a ledger head the ledger holds otherwise.</summary>
    HeadMismatch,
}

/// <summary>One disagreement between a site ledger and the coordinator's receipt log.</summary>
public sealed record ReconcileMismatch(string TaskId, ReconcileProblem Kind, string Problem);

/// <summary>The outcome of <see cref="LedgerReconciler.Reconcile"/>.</summary>
/// <param name="Refusal">Set when an input did not verify: then nothing was reconciled and the other figures are 0.</param>
public sealed record ReconcileResult(IReadOnlyList<string> SiteIds, int Matched, int CoordinatorEntries, int LedgerResults,
    IReadOnlyList<ReconcileMismatch> Mismatches, string? Refusal = null)
{
    /// <summary>True only when both inputs verified and every sent result pairs with exactly one receipt, and the other way round.</summary>
    public bool IsConsistent => Refusal is null && Mismatches.Count == 0;
}

/// <summary>
/// Matches, payload by payload, what a site recorded as sent with what the coordinator receipted from it: every sent
/// result (push record) has exactly one receipt in the coordinator's log and every receipt for the site exactly one sent
/// result, paired by task id, with equal SHA-256 and size, and every ledger head a receipt names is in the ledger
/// (<see cref="DeclaredHeads"/>). Both inputs are verified first (<see cref="LedgerVerifier"/>,
/// <see cref="ReceiptLogVerifier"/>); what does not verify is not reconciled. The site is identified by the site ids
/// on the receipts in its ledger, else by its genesis name, unless given.
/// </summary>
public static class LedgerReconciler
{
    public static ReconcileResult Reconcile(string ledgerPath, string receiptLogPath, CertificateTrust? trust, string? siteId = null)
    {
        var ledger = new LedgerVerifier(trust).Verify(ledgerPath);
        if (ledger.Failure is { } failure)
            return Refused($"ledger {ledgerPath} does not verify ({failure}); nothing was reconciled: run `fedtransfer audit verify` on it");
        var log = ReceiptLogVerifier.Verify(receiptLogPath, trust);
        if (log.Failure is { } logFailure)
            return Refused($"the receipt log does not verify ({logFailure}); nothing was reconciled");

        var siteIds = ledger.SiteIdsFor(siteId);
        var held = log.Receipts.Where(e => siteIds.Contains(e.SiteId)).ToList();
        var mismatches = new List<ReconcileMismatch>();
        var matched = 0;
        var sentByTask = ledger.SentResults.ToLookup(s => s.TaskId, StringComparer.Ordinal);
        var heldByTask = held.ToLookup(e => e.TaskId, StringComparer.Ordinal);
        // Tasks in the order an auditor reads them: the ledger's first, then receipts the ledger does not know.
        var tasks = ledger.SentResults.Select(s => s.TaskId).Concat(held.Select(e => e.TaskId)).Distinct(StringComparer.Ordinal);
        foreach (var task in tasks)
        {
            var sent = sentByTask[task].ToList();
            var receipts = heldByTask[task].ToList();
            if (sent.Count > 1)
                mismatches.Add(new(task, ReconcileProblem.DuplicateSent,
                    $"the ledger records {sent.Count} sent results for this task ({string.Join("; ", sent.Select(Describe))}); a task's result leaves once"));
            if (receipts.Count > 1)
                mismatches.Add(new(task, ReconcileProblem.DuplicateReceipt,
                    $"the coordinator's log holds {receipts.Count} receipts for this task ({string.Join("; ", receipts.Select(Describe))})"));
            if (receipts.Count == 0)
            {
                foreach (var s in sent)
                    mismatches.Add(new(task, ReconcileProblem.SentWithoutReceipt, $"{Describe(s)} was sent, but the coordinator's log has no receipt for it"));
            }
            else if (sent.Count == 0)
            {
                foreach (var r in receipts)
                    mismatches.Add(new(task, ReconcileProblem.ReceiptWithoutSent, $"the coordinator receipted {Describe(r)}, which the ledger does not record as sent"));
            }
            else if (sent.Count == 1 && receipts.Count == 1)
            {
                if (sent[0].PayloadSha256 == receipts[0].PayloadSha256 && sent[0].PayloadBytes == receipts[0].PayloadBytes) matched++;
                else mismatches.Add(new(task, ReconcileProblem.DigestMismatch, $"{Describe(sent[0])} was sent, but the coordinator receipted {Describe(receipts[0])}"));
            }
        }
        foreach (var head in DeclaredHeads.Check(ledger, held, siteIds))
            mismatches.Add(new(head.TaskId, head.Cut ? ReconcileProblem.LedgerCut : ReconcileProblem.HeadMismatch, head.Problem));
        return new ReconcileResult(siteIds.Order(StringComparer.Ordinal).ToList(), matched, held.Count, ledger.SentResults.Count, mismatches);
    }

    private static ReconcileResult Refused(string why) => new([], 0, 0, 0, [], why);

    private static string Describe(SentPayload s) => $"record {s.Sequence}: {Payload(s.PayloadSha256, s.PayloadBytes)}";

    private static string Describe(ReceiptLogEntry e) => $"receipt log line {e.Line}: {Payload(e.PayloadSha256, e.PayloadBytes)}";

    private static string Payload(string sha, long bytes) => sha.Length == 0 ? "no payload" : $"sha256 {sha}, {bytes} bytes";
}
