namespace FedTransfer.Federation.Ledger;

/// <summary>The first bad record of a ledger: its sequence number (the one expected at that line), line, and why; the segment file when there are several.</summary>
public sealed record LedgerFailure(long Sequence, long Line, string Reason, string? File = null)
{
    public override string ToString() => $"record {Sequence} (line {Line}{(File is null ? "" : $" of {File}")}): {Reason}";
}

/// <summary>What <see cref="LedgerVerifier"/> found.</summary>
/// <param name="Failure">The first bad record; null when the ledger verified.</param>
/// <param name="Records">Records checked (up to the failure).</param>
/// <param name="Site">The site named by the genesis record.</param>
/// <param name="Certified">True when the ledger's key is a site certificate's (checked against the CA when one was given).</param>
/// <param name="HeadSequence">Sequence number of the last good record (-1 when none).</param>
/// <param name="HeadHash">SHA-256 of the last good line: note it to detect a later truncation at a record boundary.</param>
/// <param name="Sent">Egress records with decision sent.</param>
/// <param name="Refused">Egress records with decision refused.</param>
/// <param name="Receipts">Receipt records whose coordinator signature verified.</param>
/// <param name="Warnings">Things an auditor should know that do not make the ledger invalid.</param>
public sealed record LedgerVerification(LedgerFailure? Failure, long Records, string? Site, bool Certified, long HeadSequence, string HeadHash,
    long Sent, long Refused, long Receipts, IReadOnlyList<string> Warnings)
{
    /// <summary>Every result (push record) sent, up to the failure, in ledger order: what <see cref="LedgerReconciler"/> matches receipts to.</summary>
    public IReadOnlyList<SentPayload> SentResults { get; init; } = [];

    /// <summary>Per federation, the ε the site spent by its last recorded round (each recomputed from the recorded parameters).</summary>
    public IReadOnlyDictionary<string, double> PrivacySpent { get; init; } = new Dictionary<string, double>();

    /// <summary>The site ids the coordinator wrote on the receipts this ledger holds (how it knows the site).</summary>
    public IReadOnlyList<string> ReceiptSiteIds { get; init; } = [];

    /// <summary>
    /// The site's ids in the coordinator's receipt log: <paramref name="given"/> when set, else the ids on the receipts this
    /// ledger holds, else its genesis name.
    /// </summary>
    public IReadOnlySet<string> SiteIdsFor(string? given) => given is not null ? new HashSet<string>(StringComparer.Ordinal) { given }
        : ReceiptSiteIds.Count > 0 ? ReceiptSiteIds.ToHashSet(StringComparer.Ordinal)
        : new HashSet<string>(StringComparer.Ordinal) { Site ?? "" };

    /// <summary>True when every record verified.</summary>
    public bool IsValid => Failure is null;
}

/// <summary>One result the ledger records as sent: its record's sequence number, task, payload digest (empty when none) and bytes.</summary>
/// <param name="LineSha256">SHA-256 of the record's line: the ledger head the site declares when sending it.</param>
public sealed record SentPayload(long Sequence, string TaskId, string PayloadSha256, long PayloadBytes, string LineSha256 = "");
