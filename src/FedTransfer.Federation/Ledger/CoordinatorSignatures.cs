using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Federation.Ledger;

/// <summary>The signed fields of one receipt, wherever it was read: a site ledger's receipt record or the coordinator's receipt log.</summary>
internal readonly record struct SignedReceipt(string TaskId, string SiteId, string RunId, int Round, string Outcome, string PayloadSha256,
    long PayloadBytes, long ReceivedUnixMs, LedgerHead? LedgerHead, string SignatureBase64, string CertificatePem)
{
    public static SignedReceipt Of(LedgerReceipt r) => new(r.TaskId, r.SiteId, r.RunId, r.Round, r.Outcome, r.PayloadSha256, r.PayloadBytes,
        r.ReceivedUnixMs, r.DeclaredLedgerHead, r.Signature, r.CoordinatorCertificatePem);

    public static SignedReceipt Of(ReceiptLogEntry e) => new(e.TaskId, e.SiteId, e.RunId, e.Round, e.Outcome, e.PayloadSha256, e.PayloadBytes,
        e.ReceivedUnixMs, e.LedgerHead, e.Signature, e.CoordinatorCertificatePem);
}

/// <summary>
/// Checks coordinator signatures on receipts: the certificate each receipt carries chains to the CA with OU=coordinator
/// (checked once per certificate), the receipt's time lies within the certificate's validity, and the ECDSA P-256
/// signature covers <see cref="ReceiptSigning.CanonicalBytes"/> of its fields. One instance per thread.
/// </summary>
internal sealed class CoordinatorSignatures(CertificateTrust? trust, List<string> warnings) : IDisposable
{
    private readonly Dictionary<string, Coordinator> _coordinators = new(StringComparer.Ordinal);
    private bool _warnedUnchecked, _warnedUnsigned;

    /// <summary>Null when the receipt's signature verifies (or, without a CA, when it is unsigned: then a warning says so); else why not.</summary>
    public string? Check(in SignedReceipt r)
    {
        if (r.SignatureBase64.Length == 0 && r.CertificatePem.Length == 0)
        {
            if (trust is not null) return $"the receipt for task '{r.TaskId}' is not signed (the coordinator ran without a certificate)";
            if (!_warnedUnsigned) warnings.Add("some receipts are not signed by the coordinator (it ran without a certificate); only their digests were matched");
            _warnedUnsigned = true;
            return null;
        }
        if (!_coordinators.TryGetValue(r.CertificatePem, out var coordinator))
            _coordinators[r.CertificatePem] = coordinator = Load(r.CertificatePem, r.ReceivedUnixMs);
        if (coordinator.Problem is not null) return $"the receipt's coordinator certificate: {coordinator.Problem}";
        var at = DateTimeOffset.FromUnixTimeMilliseconds(r.ReceivedUnixMs);
        if (at < coordinator.NotBefore || at > coordinator.NotAfter)
            return $"the receipt is dated {at:u}, outside its coordinator certificate's validity ({coordinator.NotBefore:u} .. {coordinator.NotAfter:u})";
        byte[] canonical, signature;
        try
        {
            canonical = ReceiptSigning.CanonicalBytes(r.TaskId, r.SiteId, r.RunId, r.Round, r.Outcome, r.PayloadSha256, r.PayloadBytes, r.ReceivedUnixMs, r.LedgerHead);
            signature = Convert.FromBase64String(r.SignatureBase64);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return $"the receipt is malformed: {e.Message}";
        }
        return ReceiptSigning.Verify(coordinator.Key!, canonical, signature)
            ? null
            : $"the coordinator's signature on the receipt for task '{r.TaskId}' does not verify";
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
