using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using FedTransfer.Federation.Ledger;

namespace FedTransfer.Federation.Receipts;

/// <summary>
/// One line of the coordinator's receipt log (<c>receipts.jsonl</c> in its data directory): the signed fields of a
/// receipt, its reason, the signature (base64 of IEEE P1363 r||s) and the PEM of the certificate whose key signed it.
/// Self-contained, so an auditor can check every line offline and reconcile it with a site's ledger.
/// </summary>
public sealed record ReceiptLogRecord(
    string TaskId, string SiteId, string RunId, int Round, string Outcome, string Reason,
    string PayloadSha256, long PayloadBytes, long ReceivedUnixMs, byte[] Signature, string CoordinatorCertificatePem)
{
    /// <summary>Sequence number of the site ledger's head the site declared when sending (signed); null when it declared none.</summary>
    public long? LedgerHeadSeq { get; init; }

    /// <summary>SHA-256 (hex) of that head record's line (signed); null when the site declared none.</summary>
    public string? LedgerHeadSha256 { get; init; }

    /// <summary>The declared head, when both fields are present.</summary>
    [JsonIgnore]
    public LedgerHead? LedgerHead => LedgerHeadSeq is { } seq && LedgerHeadSha256 is { } sha ? new LedgerHead(seq, sha) : null;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        // Null only for the declared ledger head, which older coordinators did not write: omitted rather than null.
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    /// <summary>The bytes the signature covers (<see cref="ReceiptSigning.CanonicalBytes"/>).</summary>
    public byte[] CanonicalBytes() =>
        ReceiptSigning.CanonicalBytes(TaskId, SiteId, RunId, Round, Outcome, PayloadSha256, PayloadBytes, ReceivedUnixMs, LedgerHead);

    /// <summary>True when <see cref="Signature"/> verifies with the public key of <see cref="CoordinatorCertificatePem"/>.</summary>
    public bool VerifySignature()
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPem(CoordinatorCertificatePem);
            using var key = certificate.GetECDsaPublicKey();
            return key is not null && ReceiptSigning.Verify(key, CanonicalBytes(), Signature);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The record as one JSON line (no trailing newline).</summary>
    public string ToJsonLine() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses one line written by <see cref="ToJsonLine"/>.</summary>
    /// <exception cref="FormatException">The line is not a complete receipt record; the message says what is wrong.</exception>
    public static ReceiptLogRecord Parse(string line)
    {
        ReceiptLogRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<ReceiptLogRecord>(line, Json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a receipt record (broken JSON: {e.Message})", e);
        }
        if (record is null || record.TaskId is null || record.SiteId is null || record.RunId is null || record.Outcome is null
            || record.PayloadSha256 is null || record.Signature is null || record.CoordinatorCertificatePem is null)
            throw new FormatException("not a receipt record: task_id, site_id, run_id, outcome, payload_sha256, signature and coordinator_certificate_pem are required");
        return record with { Reason = record.Reason ?? "" };
    }
}
