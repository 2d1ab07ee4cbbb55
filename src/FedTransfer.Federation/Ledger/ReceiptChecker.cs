namespace FedTransfer.Federation.Ledger;

/// <summary>
/// Checks the receipt records of a ledger: the coordinator's signature (<see cref="CoordinatorSignatures"/>) and that a
/// sent result with the same task, digest and size precedes it.
/// </summary>
internal sealed class ReceiptChecker(CertificateTrust? trust, List<string> warnings) : IDisposable
{
    private readonly CoordinatorSignatures _signatures = new(trust, warnings);

    /// <summary>Receipts verified.</summary>
    public long Count { get; private set; }

    public string? Check(LedgerRecord record, Dictionary<string, List<(string Sha, long Bytes)>> sent)
    {
        if (record.Receipt is not { } r) return "a receipt record without the receipt";
        var problem = _signatures.Check(SignedReceipt.Of(r));
        if (problem is not null) return problem;
        if (!sent.TryGetValue(r.TaskId, out var results) || !results.Contains((r.PayloadSha256, r.PayloadBytes)))
            return $"the receipt for task '{r.TaskId}' (sha256 {r.PayloadSha256}, {r.PayloadBytes} bytes) matches no result this ledger records as sent";
        Count++;
        return null;
    }

    public void Dispose() => _signatures.Dispose();
}
