using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace FedTransfer.Federation.Ledger;

/// <summary>
/// Verifies a site ledger offline: line framing, canonical form, sequence, hash chain, every signature, the genesis
/// certificate against the CA (OU=site), every sent payload against the allowlist recorded when its task arrived, and
/// every receipt (coordinator certificate against the CA with OU=coordinator, its signature, and a matching sent payload).
/// Stops at the first bad record. One instance per ledger; not thread-safe.
/// </summary>
public sealed class LedgerVerifier
{
    private const int SignatureBase64Length = 88;
    private readonly CertificateTrust? _trust;
    private readonly ReceiptChecker _receipts;
    private readonly List<string> _warnings = [];
    private readonly Dictionary<string, (LedgerRecord Task, LedgerTaskInfo Info)> _tasks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(string Sha, long Bytes)>> _sent = new(StringComparer.Ordinal);
    private readonly List<SentPayload> _sentPayloads = [];
    private readonly SortedSet<string> _receiptSites = new(StringComparer.Ordinal);
    private byte[] _unsigned = new byte[4096];
    private ECDsa? _siteKey;
    private string? _site;
    private bool _certified;
    private long _sentCount, _refusedCount;

    /// <param name="trust">The CA to check certificates against; null checks chain and signatures only (and says so).</param>
    public LedgerVerifier(CertificateTrust? trust)
    {
        _trust = trust;
        _receipts = new ReceiptChecker(trust, _warnings);
    }

    /// <summary>Verifies the ledger file at <paramref name="path"/>.</summary>
    public LedgerVerification Verify(string path) => Verify(LedgerReader.Lines(path));

    /// <summary>Verifies ledger lines in file order.</summary>
    public LedgerVerification Verify(IEnumerable<LedgerRawLine> lines)
    {
        long expected = 0;
        var previous = LedgerFormat.GenesisPrevious;
        LedgerFailure? failure = null;
        try
        {
            foreach (var line in lines)
            {
                var reason = Check(line, expected, previous);
                if (reason is not null)
                {
                    failure = new LedgerFailure(expected, line.LineNumber, reason);
                    break;
                }
                previous = LedgerFormat.Hash(line.Bytes.Span);
                expected++;
            }
            if (failure is null && expected == 0) failure = new LedgerFailure(0, 1, "the ledger is empty (no genesis record)");
        }
        finally
        {
            _siteKey?.Dispose();
            _receipts.Dispose();
        }
        return new LedgerVerification(failure, expected, _site, _certified, expected - 1, previous, _sentCount, _refusedCount, _receipts.Count, _warnings)
        {
            SentResults = _sentPayloads, ReceiptSiteIds = [.. _receiptSites],
        };
    }

    private string? Check(LedgerRawLine raw, long expected, string previous)
    {
        var line = raw.Bytes.Span;
        if (!raw.Terminated) return $"the file ends in the middle of this line ({line.Length} bytes without a newline): truncated, or a write cut short";
        LedgerRecord record;
        try
        {
            record = LedgerFormat.Parse(line);
        }
        catch (JsonException e)
        {
            return $"not a ledger record: {e.Message}";
        }
        if (record.Version != LedgerFormat.Version) return $"format version {record.Version} is not {LedgerFormat.Version}";
        if (record.Sequence != expected)
            return $"sequence number {record.Sequence} where {expected} was expected: a record was deleted, inserted or moved";
        if (record.Previous != previous)
            return $"its previous-record hash does not match the line before it: a record before it was changed, deleted, inserted or moved";
        // No re-serialisation to compare with: the signature covers these exact bytes and parsing is strict, which is
        // enough, and it would cost a third of the non-ECDSA time per record.
        if (expected == 0) return Genesis(record) ?? Signature(line, record);
        return Signature(line, record) ?? Content(record);
    }

    private string? Signature(ReadOnlySpan<byte> line, LedgerRecord record)
    {
        Span<byte> signature = stackalloc byte[64];
        if (record.Signature is null || !Convert.TryFromBase64String(record.Signature, signature, out var n) || n != 64)
            return "it has no well-formed signature (64-byte IEEE P1363, base64)";
        if (_unsigned.Length < line.Length) _unsigned = new byte[line.Length * 2];
        if (!LedgerLine.TryUnsigned(line, SignatureBase64Length, _unsigned, out var written))
            return "its signature is not the last property";
        return _siteKey!.VerifyData(_unsigned.AsSpan(0, written), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? null
            : "its signature does not verify with the ledger's key (the record was changed, or the signature belongs to another record)";
    }

    private string? Genesis(LedgerRecord record)
    {
        if (record.Kind != LedgerKinds.Genesis || record.Genesis is not { } g) return "the first record is not a genesis record";
        _site = g.Site;
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(g.PublicKeyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            return $"the genesis public key is not a PEM public key: {e.Message}";
        }
        _siteKey = key;
        if (key.KeySize != 256) return $"the ledger key is {key.KeySize}-bit; P-256 is required";
        if (g.CertificatePem is null)
        {
            if (_trust is not null) return "the ledger's key is not certified by a CA (a plaintext development site); verify without --ca to check its chain and signatures only";
            _warnings.Add($"the ledger of '{g.Site}' is signed by a development key that is NOT certified by a CA: it proves the records were not changed after writing, not who wrote them");
            return null;
        }
        using var certificate = CertificateTrust.TryParse(g.CertificatePem);
        if (certificate is null) return "the genesis certificate is not a PEM certificate";
        using var certKey = certificate.GetECDsaPublicKey();
        if (certKey is null || certKey.ExportSubjectPublicKeyInfoPem() != g.PublicKeyPem) return "the genesis public key is not the certificate's key";
        if (_trust is null)
        {
            _warnings.Add($"the site certificate '{certificate.Subject}' was not checked against a CA (no --ca given)");
            return null;
        }
        var problem = _trust.Check(certificate, "site", DateTimeOffset.FromUnixTimeMilliseconds(record.TimeUnixMs));
        _certified = problem is null;
        return problem;
    }

    private string? Content(LedgerRecord record)
    {
        switch (record.Kind)
        {
            case LedgerKinds.Genesis:
                return "a second genesis record";
            case LedgerKinds.Task:
                if (record.TaskId is null || record.TaskInfo is null) return "a task record without task id or task information";
                _tasks[record.TaskId] = (record, record.TaskInfo);
                return null;
            case LedgerKinds.TornTail:
                _warnings.Add(record.Torn is { } t
                    ? $"record {record.Sequence}: on reopening, an unfinished line of {t.Bytes} bytes (sha256 {t.Sha256}) was moved aside into {t.File}"
                    : $"record {record.Sequence}: a torn-tail record without details");
                return null;
            case LedgerKinds.Receipt:
                if (record.Receipt is { SiteId.Length: > 0 } receipt) _receiptSites.Add(receipt.SiteId);
                return _receipts.Check(record, _sent);
            case LedgerKinds.Join or LedgerKinds.Pull or LedgerKinds.Fetch or LedgerKinds.Push:
                return Egress(record);
            default:
                return $"unknown record kind '{record.Kind}'";
        }
    }

    private string? Egress(LedgerRecord record)
    {
        if (record.Decision == LedgerFormat.Refused)
        {
            _refusedCount++;
            return string.IsNullOrEmpty(record.Reason) ? "a refused message without a reason" : null;
        }
        if (record.Decision != LedgerFormat.Sent) return $"decision '{record.Decision}' is neither sent nor refused";
        _sentCount++;
        if (record.Kind != LedgerKinds.Push) return null;
        if (record.TaskId is null || !_tasks.TryGetValue(record.TaskId, out var task))
            return $"a result for task '{record.TaskId}' left, but no task record announced that task";
        var problem = AllowlistCheck.Check(record, task.Task, task.Info);
        if (problem is not null) return problem;
        if (!_sent.TryGetValue(record.TaskId, out var list)) _sent[record.TaskId] = list = [];
        list.Add((record.PayloadSha256 ?? "", record.PayloadBytes ?? 0));
        _sentPayloads.Add(new SentPayload(record.Sequence, record.TaskId, record.PayloadSha256 ?? "", record.PayloadBytes ?? 0));
        return null;
    }
}
