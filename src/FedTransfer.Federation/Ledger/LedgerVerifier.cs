using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace FedTransfer.Federation.Ledger;

/// <summary>How <see cref="LedgerVerifier"/> spends its time.</summary>
public sealed record LedgerVerifierOptions
{
    /// <summary>
    /// 1: everything on the calling thread. N &gt; 1: the calling thread reads and checks records while up to N threads
    /// verify signatures, a block behind.
    /// </summary>
    public int Parallelism { get; init; } = 1;

    /// <summary>
    /// Verify each record's own site signature, not only the checkpoints' (whose signatures cover every record before them
    /// through the hash chain). Slower; names a bad signature even under a valid later one.
    /// </summary>
    public bool EverySignature { get; init; }
}

/// <summary>
/// Verifies a site ledger offline: line framing, canonical form, sequence, hash chain, site signatures, the genesis
/// certificate against the CA (OU=site), every sent payload against the allowlist recorded when its task arrived, every
/// receipt (coordinator certificate against the CA with OU=coordinator, its signature, and a matching sent payload). Site signatures are checked at checkpoints (every <see cref="CheckpointInterval"/>-th record
/// and the last): each covers, through the chain, every record before it (see docs/AUDIT-FORMAT.md). Stops at the first
/// bad record. One instance per ledger.
/// </summary>
public sealed class LedgerVerifier
{
    /// <summary>Records per checkpoint: the block of records whose signature work is done together.</summary>
    public const int CheckpointInterval = 256;

    /// <summary>The one signature algorithm ledgers use today; a genesis without <c>sig_alg</c> means it too.</summary>
    public const string EcdsaP256 = "ecdsa-p256-sha256";

    private readonly CertificateTrust? _trust;
    private readonly LedgerVerifierOptions _options;
    private readonly List<string> _warnings = [];
    private readonly Dictionary<string, (LedgerRecord Task, LedgerTaskInfo Info)> _tasks = new(StringComparer.Ordinal);
    private readonly Privacy.PrivacySpendCheck _privacy = new(); // recomputes every recorded epsilon from its parameters
    private readonly Dictionary<string, List<(string Sha, long Bytes)>> _sent = new(StringComparer.Ordinal);
    private readonly List<SentPayload> _sentPayloads = [];
    private readonly SortedSet<string> _receiptSites = new(StringComparer.Ordinal);
    private SignatureWorkers? _workers;
    private string? _previousFile;
    private LedgerGenesis? _genesis;
    private string? _site;
    private bool _certified;
    private long _sentCount, _refusedCount, _receiptCount;

    /// <param name="trust">The CA to check certificates against; null checks chain and signatures only (and says so).</param>
    /// <param name="options">Parallelism and every-signature mode; defaults: one thread, checkpoints.</param>
    public LedgerVerifier(CertificateTrust? trust, LedgerVerifierOptions? options = null)
    {
        _trust = trust;
        _options = options ?? new LedgerVerifierOptions();
    }

    /// <summary>Verifies the ledger at <paramref name="path"/>: one file, or a folder (or active file) of segments.</summary>
    /// <exception cref="FileNotFoundException">Nothing at the path is a ledger.</exception>
    public LedgerVerification Verify(string path) => Verify(LedgerSegments.Lines(path));

    /// <summary>Verifies ledger lines in file order.</summary>
    public LedgerVerification Verify(IEnumerable<LedgerRawLine> lines)
    {
        long expected = 0;
        var previous = LedgerFormat.GenesisPrevious;
        LedgerFailure? failure = null, signatureFailure = null;
        var block = new SignatureBlock(_options.EverySignature);
        Task<LedgerFailure?>? behind = null;
        try
        {
            foreach (var line in lines)
            {
                var reason = Check(line, expected, previous, out var receipt);
                if (reason is not null)
                {
                    failure = new LedgerFailure(expected, line.LineNumber, reason, line.File);
                    break;
                }
                _previousFile = line.File;
                previous = LedgerFormat.Hash(line.Bytes.Span);
                if (_sentPayloads.Count > 0 && _sentPayloads[^1].Sequence == expected) _sentPayloads[^1] = _sentPayloads[^1] with { LineSha256 = previous };
                block.Add(expected, line.LineNumber, line.File, line.Bytes.Span, receipt);
                expected++;
                if (block.Count < CheckpointInterval) continue;
                signatureFailure = behind?.GetAwaiter().GetResult();
                if (signatureFailure is not null) break;
                behind = Start(block);
                block = new SignatureBlock(_options.EverySignature);
            }
            if (failure is null && expected == 0) failure = new LedgerFailure(0, 1, "the ledger is empty (no genesis record)");
            signatureFailure ??= behind?.GetAwaiter().GetResult();
            if (signatureFailure is null && _workers is not null) signatureFailure = block.Verify(_workers, _options.Parallelism);
        }
        finally
        {
            behind?.Wait();
            if (_workers is not null) _warnings.AddRange(_workers.Warnings);
            _workers?.Dispose();
        }
        // A signature that does not verify comes before any later finding: records after it were not the site's.
        if (signatureFailure is not null && (failure is null || signatureFailure.Sequence <= failure.Sequence)) failure = signatureFailure;
        var records = failure?.Sequence ?? expected;
        return new LedgerVerification(failure, records, _site, _certified, expected - 1, previous, _sentCount, _refusedCount, _receiptCount, _warnings)
        {
            SentResults = _sentPayloads, ReceiptSiteIds = [.. _receiptSites], PrivacySpent = _privacy.Epsilons(),
        };
    }

    private Task<LedgerFailure?> Start(SignatureBlock block)
    {
        if (_options.Parallelism <= 1) return Task.FromResult(block.Verify(_workers!, 1));
        return Task.Run(() => block.Verify(_workers!, _options.Parallelism));
    }

    private string? Check(LedgerRawLine raw, long expected, string previous, out SignedReceipt? receipt)
    {
        receipt = null;
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
        if (record.Signature is null) return "it has no signature";
        // No re-serialisation to compare with: the signature covers these exact bytes and parsing is strict.
        if (expected == 0) return Genesis(record);
        if (raw.LineNumber == 1 || record.Kind == LedgerKinds.Segment) return SegmentStart(record, raw);
        var problem = Content(record);
        if (problem is null && record.Kind == LedgerKinds.Receipt) receipt = SignedReceipt.Of(record.Receipt!);
        return problem;
    }

    private string? Genesis(LedgerRecord record)
    {
        if (record.Kind != LedgerKinds.Genesis || record.Genesis is not { } g) return "the first record is not a genesis record";
        _site = g.Site;
        _genesis = g;
        if ((g.SignatureAlgorithm ?? EcdsaP256) != EcdsaP256)
            return $"the ledger names signature algorithm '{g.SignatureAlgorithm}', which this verifier does not know (it knows {EcdsaP256})";
        using var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(g.PublicKeyPem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return $"the genesis public key is not a PEM public key: {e.Message}";
        }
        if (key.KeySize != 256) return $"the ledger key is {key.KeySize}-bit; P-256 is required";
        _workers = new SignatureWorkers(g.PublicKeyPem, _trust);
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

    // Every segment after the first opens with a segment record naming the genesis key again and the segment before it;
    // a segment record anywhere else is out of place.
    private string? SegmentStart(LedgerRecord record, LedgerRawLine raw)
    {
        if (record.Kind != LedgerKinds.Segment || record.Segment is not { } segment)
            return $"segment {raw.File} does not open with a segment record (the segment before it may be missing)";
        if (raw.LineNumber != 1) return "a segment record inside a segment";
        if (segment.PublicKeyPem != _genesis!.PublicKeyPem || segment.SignatureAlgorithm != (_genesis.SignatureAlgorithm ?? EcdsaP256))
            return "the segment names another signing key or algorithm than the genesis record";
        if (segment.PreviousFile != _previousFile)
            return $"the segment says it follows {segment.PreviousFile}, but it follows {_previousFile ?? "nothing"}: segments are missing or out of order";
        return null;
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
                return Receipt(record);
            case LedgerKinds.Join or LedgerKinds.Pull or LedgerKinds.Fetch or LedgerKinds.Push:
                return Egress(record);
            default:
                return $"unknown record kind '{record.Kind}'";
        }
    }

    // The coordinator's signature is checked with the block's signatures; here, that it answers a sent result.
    private string? Receipt(LedgerRecord record)
    {
        if (record.Receipt is not { } r) return "a receipt record without the receipt";
        // The JSON may omit what the record type declares non-null: a receipt missing a field is a finding, not a crash.
        if (r.TaskId is null || r.SiteId is null || r.RunId is null || r.Outcome is null || r.PayloadSha256 is null || r.Signature is null
            || r.CoordinatorCertificatePem is null)
            return "the receipt lacks one of task, site, run, outcome, payload_sha256, signature, coordinator_certificate_pem";
        if (r.SiteId.Length > 0) _receiptSites.Add(r.SiteId);
        if (!_sent.TryGetValue(r.TaskId, out var results) || !results.Contains((r.PayloadSha256, r.PayloadBytes)))
            return $"the receipt for task '{r.TaskId}' (sha256 {r.PayloadSha256}, {r.PayloadBytes} bytes) matches no result this ledger records as sent";
        _receiptCount++;
        return null;
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
        var problem = AllowlistCheck.Check(record, task.Task, task.Info) ?? _privacy.Add(record);
        if (problem is not null) return problem;
        if (!_sent.TryGetValue(record.TaskId, out var list)) _sent[record.TaskId] = list = [];
        list.Add((record.PayloadSha256 ?? "", record.PayloadBytes ?? 0));
        _sentPayloads.Add(new SentPayload(record.Sequence, record.TaskId, record.PayloadSha256 ?? "", record.PayloadBytes ?? 0));
        return null;
    }
}
