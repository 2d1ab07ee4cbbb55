using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FedTransfer.Coordinator.Security;
using FedTransfer.Federation.Identity;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Coordinator.Receipts;

/// <summary>
/// The key receipts are signed with and the certificate sent along. With TLS: the coordinator certificate's own ECDSA
/// P-256 key, so an auditor holding the federation's CA can tell the coordinator vouched for each receipt. Without
/// (plaintext development): a key and self-signed certificate generated once into <c>receipt-signing/</c> under the data
/// directory and reused on every start, so receipts stay verifiable across restarts.
/// </summary>
internal sealed class ReceiptSigningKey : IDisposable
{
    private const string DevelopmentFolder = "receipt-signing";

    private ReceiptSigningKey(ECDsa key, string certificatePem, string subject, bool isDevelopmentKey)
    {
        Key = key;
        CertificatePem = certificatePem;
        Subject = subject;
        IsDevelopmentKey = isDevelopmentKey;
    }

    public ECDsa Key { get; }

    public string CertificatePem { get; }

    public string Subject { get; }

    public bool IsDevelopmentKey { get; }

    /// <exception cref="InvalidOperationException">The coordinator certificate cannot be read or has no ECDSA P-256 key; the message names the setting.</exception>
    public static ReceiptSigningKey Load(CoordinatorOptions options, ILogger log)
    {
        var listener = options.Listener;
        if (!listener.UseTls) return Development(Path.Combine(options.DataDirectory, DevelopmentFolder), log);
        using var certificate = listener.ServerCertificate is { } given ? new X509Certificate2(given) : ReadCertificate(listener.CertificatePath, listener.CertificateKeyPath, listener.CertificatePassword);
        var key = certificate.GetECDsaPrivateKey();
        if (key is null || key.KeySize != 256)
        {
            key?.Dispose();
            throw new InvalidOperationException(
                $"Coordinator:Listener:CertificatePath: receipts are signed with the coordinator certificate's key, which must be ECDSA P-256 " +
                $"('{certificate.Subject}' is not); issue one with `fedtransfer provision`");
        }
        return new ReceiptSigningKey(key, certificate.ExportCertificatePem(), certificate.Subject, isDevelopmentKey: false);
    }

    private static X509Certificate2 ReadCertificate(string? path, string? keyPath, string? password)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new InvalidOperationException("Coordinator:Listener:CertificatePath is not set; an https:// listener needs the coordinator certificate (coordinator/cert.pem of the kit)");
        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            return extension is ".pfx" or ".p12"
                ? X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.Exportable)
                : X509Certificate2.CreateFromPemFile(path, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Coordinator:Listener:CertificatePath '{Path.GetFullPath(path)}' cannot be read with its key: {e.Message}", e);
        }
    }

    private static ReceiptSigningKey Development(string folder, ILogger log)
    {
        var certificatePath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        if (!File.Exists(certificatePath) || !File.Exists(keyPath)) Generate(folder, certificatePath, keyPath);
        using var certificate = PemFiles.ReadCertificateWithKey(certificatePath, keyPath);
        SecurityLog.DevelopmentReceiptKey(log, Path.GetFullPath(folder));
        return new ReceiptSigningKey(certificate.GetECDsaPrivateKey()!, certificate.ExportCertificatePem(), certificate.Subject, isDevelopmentKey: true);
    }

    private static void Generate(string folder, string certificatePath, string keyPath)
    {
        Directory.CreateDirectory(folder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationalUnitName(ParticipantRole.Coordinator.ToText());
        subject.AddCommonName("fedtransfer-development-coordinator");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(20));
        // Key first, certificate last: the certificate's presence marks a complete pair (a crash in between regenerates).
        File.Delete(certificatePath);
        File.Delete(keyPath);
        PemFiles.WritePrivateKey(keyPath, certificate);
        var temporary = certificatePath + ".tmp";
        PemFiles.WriteCertificate(temporary, certificate);
        File.Move(temporary, certificatePath, overwrite: true);
    }

    public void Dispose() => Key.Dispose();
}
