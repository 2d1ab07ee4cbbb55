using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.EndToEnd.Tests.Support;

/// <summary>
/// A throw-away federation PKI as PEM files, shaped like a startup kit: an ECDSA P-256 CA, a coordinator certificate for
/// 127.0.0.1/localhost, one client certificate per site (CN=name, OU=site) and one for the central team (OU=admin).
/// </summary>
internal sealed class TestPki
{
    private readonly string _directory;
    private readonly X509Certificate2 _ca;

    public TestPki(string directory, IEnumerable<string> sites)
    {
        _directory = Directory.CreateDirectory(directory).FullName;
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=FedTransfer E2E CA", caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        _ca = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
        CaFile = Path.Combine(_directory, "ca.pem");
        File.WriteAllText(CaFile, _ca.ExportCertificatePem());
        Coordinator = Issue("coordinator", "coordinator", ServerAuth, now);
        Admin = Issue("admin", "admin", ClientAuth, now);
        foreach (var site in sites) Sites[site] = Issue(site, "site", ClientAuth, now);
    }

    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    public string CaFile { get; }
    public PemPair Coordinator { get; }
    public PemPair Admin { get; }
    public Dictionary<string, PemPair> Sites { get; } = new(StringComparer.Ordinal);

    private PemPair Issue(string name, string role, string usage, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, OU={role}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        if (usage == ServerAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }
        using var issued = request.Create(_ca, now.AddHours(-1), now.AddHours(12), RandomNumberGenerator.GetBytes(8));
        var pair = new PemPair(Path.Combine(_directory, $"{role}-{name}.pem"), Path.Combine(_directory, $"{role}-{name}.key.pem"));
        File.WriteAllText(pair.CertificateFile, issued.ExportCertificatePem());
        File.WriteAllText(pair.KeyFile, key.ExportPkcs8PrivateKeyPem());
        return pair;
    }
}

/// <summary>A certificate and its private key, as PEM files.</summary>
internal sealed record PemPair(string CertificateFile, string KeyFile)
{
    public X509Certificate2 Load() => X509Certificate2.CreateFromPemFile(CertificateFile, KeyFile);
}
