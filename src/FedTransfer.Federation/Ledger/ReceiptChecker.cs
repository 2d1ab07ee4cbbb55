using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Federation.Ledger;

/// <summary>
/// Checks receipt records: the coordinator certificate chains to the CA with OU=coordinator (once per certificate,
/// plus its validity at each receipt's time), the signature over <see cref="ReceiptSigning.CanonicalBytes"/>, and that
/// a sent result with the same task, digest and size precedes it.
/// </summary>
internal sealed class ReceiptChecker(CertificateTrust? trust, List<string> warnings) : IDisposable
{
    private readonly Dictionary<string, Coordinator> _coordinators = new(StringComparer.Ordinal);
    private bool _warnedUnchecked, _warnedUnsigned;

    /// <summary>Receipts verified.</summary>
    public long Count { get; private set; }

    public string? Check(LedgerRecord record, Dictionary<string, List<(string Sha, long Bytes)>> sent)
    {
        if (record.Receipt is not { } r) return "a receipt record without the receipt";
        if (r.Signature.Length == 0 && r.CoordinatorCertificatePem.Length == 0)
        {
            if (trust is not null) return $"the receipt for task '{r.TaskId}' is not signed (the coordinator ran without a certificate)";
            if (!_warnedUnsigned) warnings.Add("some receipts are not signed by the coordinator (it ran without a certificate); only their digests were matched");
            _warnedUnsigned = true;
            return Matches(r, sent);
        }
        if (!_coordinators.TryGetValue(r.CoordinatorCertificatePem, out var coordinator))
            _coordinators[r.CoordinatorCertificatePem] = coordinator = Load(r.CoordinatorCertificatePem, r.ReceivedUnixMs);
        if (coordinator.Problem is not null) return $"the receipt's coordinator certificate: {coordinator.Problem}";
        var at = DateTimeOffset.FromUnixTimeMilliseconds(r.ReceivedUnixMs);
        if (at < coordinator.NotBefore || at > coordinator.NotAfter)
            return $"the receipt is dated {at:u}, outside its coordinator certificate's validity ({coordinator.NotBefore:u} .. {coordinator.NotAfter:u})";
        byte[] canonical, signature;
        try
        {
            canonical = ReceiptSigning.CanonicalBytes(r.TaskId, r.SiteId, r.RunId, r.Round, r.Outcome, r.PayloadSha256, r.PayloadBytes, r.ReceivedUnixMs);
            signature = Convert.FromBase64String(r.Signature);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return $"the receipt is malformed: {e.Message}";
        }
        if (!ReceiptSigning.Verify(coordinator.Key!, canonical, signature))
            return $"the coordinator's signature on the receipt for task '{r.TaskId}' does not verify";
        return Matches(r, sent);
    }

    private string? Matches(LedgerReceipt r, Dictionary<string, List<(string Sha, long Bytes)>> sent)
    {
        if (!sent.TryGetValue(r.TaskId, out var results) || !results.Contains((r.PayloadSha256, r.PayloadBytes)))
            return $"the receipt for task '{r.TaskId}' (sha256 {r.PayloadSha256}, {r.PayloadBytes} bytes) matches no result this ledger records as sent";
        Count++;
        return null;
    }

    private Coordinator Load(string pem, long unixMs)
    {
        using var certificate = CertificateTrust.TryParse(pem);
        if (certificate is null) return new Coordinator(null, default, default, "it is not a PEM certificate");
        var key = certificate.GetECDsaPublicKey();
        if (key is null) return new Coordinator(null, default, default, "it does not hold an ECDSA key");
        string? problem = null;
        if (trust is not null) problem = trust.Check(certificate, "coordinator", DateTimeOffset.FromUnixTimeMilliseconds(unixMs));
        else if (!_warnedUnchecked)
        {
            _warnedUnchecked = true;
            warnings.Add("receipt signatures were checked against the certificates they carry, which were not checked against a CA (no --ca given)");
        }
        return new Coordinator(key, new DateTimeOffset(certificate.NotBefore.ToUniversalTime()), new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), problem);
    }

    public void Dispose()
    {
        foreach (var c in _coordinators.Values) c.Key?.Dispose();
    }

    private sealed record Coordinator(ECDsa? Key, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string? Problem);
}
