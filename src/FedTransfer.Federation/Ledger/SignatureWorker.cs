using System.Security.Cryptography;

namespace FedTransfer.Federation.Ledger;

/// <summary>
/// Verifies signatures for <see cref="LedgerVerifier"/>: the site's over a ledger line, the coordinator's over a receipt.
/// Holds its own key objects and certificate cache, so several can run on several threads (ECDsa instances are not
/// documented as safe to share).
/// </summary>
internal sealed class SignatureWorker : IDisposable
{
    private readonly ECDsa _siteKey = ECDsa.Create();
    private readonly CoordinatorSignatures _coordinators;
    private byte[] _unsigned = new byte[4096];

    /// <param name="sitePublicKeyPem">The ledger's key as its genesis record names it (already checked to be a P-256 PEM key).</param>
    public SignatureWorker(string sitePublicKeyPem, CertificateTrust? trust)
    {
        _siteKey.ImportFromPem(sitePublicKeyPem);
        _coordinators = new CoordinatorSignatures(trust, Warnings);
    }

    /// <summary>What the receipt checks found worth saying (merged by the verifier).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Null when the line's site signature (ECDSA P-256, SHA-256, IEEE P1363) verifies over the line without it; else why not.</summary>
    public string? Site(ReadOnlySpan<byte> line)
    {
        Span<byte> signature = stackalloc byte[66];
        var text = LedgerLine.SignatureText(line, LedgerLine.P256SignatureBase64Length);
        if (text.IsEmpty) return "it has no well-formed signature (64-byte IEEE P1363, base64) as its last property";
        if (System.Buffers.Text.Base64.DecodeFromUtf8(text, signature, out _, out var n) != System.Buffers.OperationStatus.Done || n != 64)
            return "it has no well-formed signature (64-byte IEEE P1363, base64)";
        if (_unsigned.Length < line.Length) _unsigned = new byte[line.Length * 2];
        LedgerLine.TryUnsigned(line, LedgerLine.P256SignatureBase64Length, _unsigned, out var written);
        return _siteKey.VerifyData(_unsigned.AsSpan(0, written), signature[..64], HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            ? null
            : "its signature does not verify with the ledger's key (the record was changed, or the signature belongs to another record)";
    }

    /// <summary>Null when the receipt's coordinator signature verifies; else why not.</summary>
    public string? Receipt(in SignedReceipt receipt) => _coordinators.Check(receipt);

    public void Dispose()
    {
        _siteKey.Dispose();
        _coordinators.Dispose();
    }
}
