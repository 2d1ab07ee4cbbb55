namespace FedTransfer.Federation.Ledger;

/// <summary>What <see cref="ReceiptLogVerifier.Verify"/> found: the receipts, or why the log cannot be trusted.</summary>
/// <param name="Failure">Null when every line is a receipt whose coordinator signature verifies; else the first problem, naming its line.</param>
public sealed record ReceiptLogVerification(IReadOnlyList<ReceiptLogEntry> Receipts, string? Failure, IReadOnlyList<string> Warnings)
{
    public bool IsValid => Failure is null;
}

/// <summary>
/// Checks the coordinator's receipt log offline before anything relies on it: every line is a receipt, every receipt
/// is signed by a coordinator certificate (chaining to the CA with OU=coordinator when one is given) over its canonical
/// bytes, and the log is not empty (an empty file is more likely the wrong file than a coordinator that never received).
/// </summary>
public static class ReceiptLogVerifier
{
    public static ReceiptLogVerification Verify(string path, CertificateTrust? trust)
    {
        var warnings = new List<string>();
        List<ReceiptLogEntry> receipts;
        try
        {
            receipts = ReceiptLog.Read(path);
        }
        catch (FormatException e)
        {
            return new ReceiptLogVerification([], e.Message, warnings);
        }
        if (receipts.Count == 0)
            return new ReceiptLogVerification([], $"receipt log {path} holds no receipt; give the coordinator's receipts.jsonl (in its data directory)", warnings);
        using var signatures = new CoordinatorSignatures(trust, warnings);
        foreach (var receipt in receipts)
        {
            if (receipt.Signature.Length == 0)
                return new ReceiptLogVerification(receipts, $"receipt log {path}, line {receipt.Line}: the receipt for task '{receipt.TaskId}' is not signed", warnings);
            if (signatures.Check(SignedReceipt.Of(receipt)) is { } problem)
                return new ReceiptLogVerification(receipts, $"receipt log {path}, line {receipt.Line}: {problem}", warnings);
        }
        return new ReceiptLogVerification(receipts, null, warnings);
    }
}
