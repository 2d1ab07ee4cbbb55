using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Federation.Tests.TestSupport;

/// <summary>A throwaway CA with site and coordinator certificates (ECDSA P-256, OU = role), as `fedtransfer provision` makes them.</summary>
internal sealed class TestPki : IDisposable
{
    public TestPki(string caName = "Test CA")
    {
        CaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={caName}", CaKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(365));
    }

    public ECDsa CaKey { get; }
    public X509Certificate2 Ca { get; }

    /// <summary>A certificate with its private key, CN=name, OU=role.</summary>
    public X509Certificate2 Issue(string name, string role, int days = 30)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, OU={role}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using var issued = request.Create(Ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(days), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes cert.pem and key.pem of <paramref name="certificate"/> into <paramref name="folder"/>.</summary>
    public static (string Cert, string Key) WritePem(X509Certificate2 certificate, string folder)
    {
        Directory.CreateDirectory(folder);
        var cert = Path.Combine(folder, "cert.pem");
        var key = Path.Combine(folder, "key.pem");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }

    public void Dispose()
    {
        Ca.Dispose();
        CaKey.Dispose();
    }
}
