using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Site.Tests.Support;

/// <summary>A throw-away certificate authority with a server certificate for 127.0.0.1 and one site certificate, as PEM files.</summary>
internal sealed class TestPki : IDisposable
{
    private readonly TempDirectory _dir = new();

    public TestPki()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=FedTransfer Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        Server = Issue("CN=coordinator", "1.3.6.1.5.5.7.3.1", now, server: true);
        var site = Issue("CN=clinic-a", "1.3.6.1.5.5.7.3.2", now, server: false);

        CaFile = Write("ca.pem", Ca.ExportCertificatePem());
        SiteCertificateFile = Write("site.pem", site.ExportCertificatePem());
        SiteKeyFile = Write("site.key", site.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Ca { get; }
    public X509Certificate2 Server { get; }
    public string CaFile { get; }
    public string SiteCertificateFile { get; }
    public string SiteKeyFile { get; }

    private X509Certificate2 Issue(string subject, string usage, DateTimeOffset now, bool server)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }
        using var issued = request.Create(Ca, now.AddHours(-1), now.AddHours(12), RandomNumberGenerator.GetBytes(8));
        return issued.CopyWithPrivateKey(key);
    }

    private string Write(string name, string pem)
    {
        var path = _dir.Combine(name);
        File.WriteAllText(path, pem);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}
