using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Federation.Ledger;

/// <summary>
/// The key a site signs its ledger with: its certificate's private key, or in plaintext development a per-site key
/// generated once and kept next to the ledger (which <c>audit verify</c> reports as not certified by a CA).
/// </summary>
public sealed class LedgerSigningKey : IDisposable
{
    private LedgerSigningKey(ECDsa key, string site, string? certificatePem)
    {
        Key = key;
        Site = site;
        CertificatePem = certificatePem;
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>The private key.</summary>
    public ECDsa Key { get; }

    /// <summary>The site's name as the genesis record states it.</summary>
    public string Site { get; }

    /// <summary>The site certificate (PEM), null for a development key.</summary>
    public string? CertificatePem { get; }

    /// <summary>The public key, SubjectPublicKeyInfo PEM.</summary>
    public string PublicKeyPem { get; }

    /// <summary>Loads a site certificate and its P-256 private key (PEM files); the site name is the certificate's CN.</summary>
    /// <exception cref="InvalidOperationException">The files cannot be read or the key is not P-256 ECDSA.</exception>
    public static LedgerSigningKey FromCertificate(string certificateFile, string keyFile)
    {
        using var certificate = Load(certificateFile, keyFile);
        var key = certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException($"ledger signing key: {certificateFile} does not hold an ECDSA key; site certificates are ECDSA P-256 (fedtransfer provision)");
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new InvalidOperationException($"ledger signing key: {certificateFile} holds a {key.KeySize}-bit ECDSA key; P-256 is required");
        }
        var cn = certificate.GetNameInfo(X509NameType.SimpleName, false);
        return new LedgerSigningKey(key, string.IsNullOrEmpty(cn) ? certificate.Subject : cn, certificate.ExportCertificatePem());
    }

    /// <summary>Loads the development key at <paramref name="keyFile"/>, creating it (owner-only permissions) the first time.</summary>
    public static LedgerSigningKey LoadOrCreateDevelopmentKey(string keyFile, string site)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            if (File.Exists(keyFile))
            {
                key.ImportFromPem(File.ReadAllText(keyFile));
                if (key.KeySize != 256) throw new InvalidOperationException($"ledger development key {keyFile} is not a P-256 key; move it aside and restart to create one");
            }
            else
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyFile))!);
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                using var stream = new FileStream(keyFile, options);
                stream.Write(System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
                stream.Flush(flushToDisk: true);
            }
            return new LedgerSigningKey(key, site, null);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new InvalidOperationException($"ledger development key {keyFile} is not a readable PEM private key ({e.Message}); move it aside and restart to create one", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static X509Certificate2 Load(string certificateFile, string keyFile)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or ArgumentException)
        {
            throw new InvalidOperationException($"ledger signing key: cannot load certificate {certificateFile} with key {keyFile}: {e.Message}", e);
        }
    }

    /// <summary>Signs <paramref name="data"/>: SHA-256, IEEE P1363.</summary>
    public byte[] Sign(ReadOnlySpan<byte> data) =>
        Key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>True when a signed ledger line carries a valid signature of this key over its unsigned form.</summary>
    public bool Verifies(ReadOnlySpan<byte> signedLine)
    {
        var unsigned = new byte[signedLine.Length];
        Span<byte> signature = stackalloc byte[66];
        return LedgerLine.TryUnsigned(signedLine, LedgerLine.P256SignatureBase64Length, unsigned, out var written)
            && System.Buffers.Text.Base64.DecodeFromUtf8(LedgerLine.SignatureText(signedLine, LedgerLine.P256SignatureBase64Length), signature, out _, out var n)
                == System.Buffers.OperationStatus.Done
            && n == 64
            && Key.VerifyData(unsigned.AsSpan(0, written), signature[..64], HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public void Dispose() => Key.Dispose();
}
