using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FedTransfer.Federation.Ledger;

/// <summary>
/// The exact bytes a coordinator signs for an upload receipt, and the signature helpers both sides share.
/// The coordinator signs them (ECDSA P-256, SHA-256, IEEE P1363 r||s); the auditor re-creates them from the receipt
/// fields recorded in a site ledger and checks the signature, so the text layout is a contract (docs/AUDIT-FORMAT.md)
/// and never changes under a given tag: "fedtransfer-receipt-v1" without the site's declared ledger head,
/// "fedtransfer-receipt-v2" with it.
/// </summary>
public static class ReceiptSigning
{
    /// <summary>First line of the canonical text of a receipt without a declared ledger head.</summary>
    public const string Tag = "fedtransfer-receipt-v1";

    /// <summary>First line of the canonical text of a receipt that names the ledger head the site declared.</summary>
    public const string TagWithLedgerHead = "fedtransfer-receipt-v2";

    /// <summary>
    /// The canonical bytes of a receipt: UTF-8 of <c>fedtransfer-receipt-v1\ntask=..\nsite=..\nrun=..\nround=..\noutcome=..\n
    /// payload_sha256=..\npayload_bytes=..\nreceived_unix_ms=..\n</c>, numbers in invariant decimal.
    /// Fields are taken as given (no case folding), so signer and verifier must pass the same strings. By agreement:
    /// <paramref name="outcome"/> is <c>receipt.Outcome.ToSignedText()</c> (FedTransfer.Contracts.ReceiptOutcomeText:
    /// "accepted", "late", "rejected"); <paramref name="payloadSha256"/> is 64 lowercase hex (empty when there is no payload).
    /// With <paramref name="ledgerHead"/> the tag is <see cref="TagWithLedgerHead"/> and two lines follow the others:
    /// <c>ledger_head_seq=..\nledger_head_sha256=..\n</c>.
    /// </summary>
    /// <exception cref="ArgumentNullException">A text field is null.</exception>
    /// <exception cref="ArgumentException">A text field holds a line break, which would make the layout ambiguous.</exception>
    public static byte[] CanonicalBytes(string taskId, string siteId, string runId, int round, string outcome,
        string payloadSha256, long payloadBytes, long receivedUnixMs, LedgerHead? ledgerHead = null)
    {
        var text = new StringBuilder(256)
            .Append(ledgerHead is null ? Tag : TagWithLedgerHead).Append('\n')
            .Append("task=").Append(Field(taskId, nameof(taskId))).Append('\n')
            .Append("site=").Append(Field(siteId, nameof(siteId))).Append('\n')
            .Append("run=").Append(Field(runId, nameof(runId))).Append('\n')
            .Append("round=").Append(round.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("outcome=").Append(Field(outcome, nameof(outcome))).Append('\n')
            .Append("payload_sha256=").Append(Field(payloadSha256, nameof(payloadSha256))).Append('\n')
            .Append("payload_bytes=").Append(payloadBytes.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("received_unix_ms=").Append(receivedUnixMs.ToString(CultureInfo.InvariantCulture)).Append('\n');
        if (ledgerHead is { } head)
        {
            text.Append("ledger_head_seq=").Append(head.Sequence.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append("ledger_head_sha256=").Append(Field(head.Sha256, "ledgerHeadSha256")).Append('\n');
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Signs canonical bytes with a P-256 key: SHA-256, IEEE P1363 (r||s, 64 bytes).</summary>
    public static byte[] Sign(ECDsa key, byte[] canonicalBytes) =>
        key.SignData(canonicalBytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>True when <paramref name="signature"/> (IEEE P1363) is a valid SHA-256 ECDSA signature of the bytes.</summary>
    public static bool Verify(ECDsa key, byte[] canonicalBytes, byte[] signature) =>
        key.VerifyData(canonicalBytes, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    private static string Field(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.AsSpan().IndexOfAny('\n', '\r') >= 0)
            throw new ArgumentException($"receipt field '{name}' contains a line break; receipt fields must be single-line text", name);
        return value;
    }
}

/// <summary>
/// A site ledger's head as the site declared it when sending a result: the sequence number of its last record (the
/// sent record itself) and the SHA-256 (64 lowercase hex) of that record's line. A receipt that names it lets an auditor
/// tell a ledger cut after that record from a site that stopped sending.
/// </summary>
public readonly record struct LedgerHead(long Sequence, string Sha256);
