using System.Security.Cryptography.X509Certificates;
using FedTransfer.Federation.Identity;
using Grpc.Net.Client;

namespace FedTransfer.Coordinator.Tests.Support;

/// <summary>
/// A throw-away federation PKI as PEM files in a temp folder, issued by the production <see cref="CertificateIssuer"/>:
/// the CA, a coordinator certificate for 127.0.0.1/localhost, site certificates (default site-a, site-b), an admin
/// certificate, plus the certificates a coordinator must refuse: an expired site certificate ("expired"), one not valid yet ("notyet") and a site
/// certificate issued by a foreign CA ("intruder"). Self-contained (copy it for other test projects): it needs only
/// FedTransfer.Federation and grpc-dotnet.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private readonly Dictionary<string, X509Certificate2> _certificates = new(StringComparer.Ordinal);
    private readonly X509Certificate2 _foreignCa;

    public TestPki(params string[] sites)
    {
        Directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fedtransfer-pki-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
        var now = DateTimeOffset.UtcNow;
        Ca = CertificateIssuer.CreateAuthority("test-ca", now.AddDays(-30), now.AddDays(2));
        _foreignCa = CertificateIssuer.CreateAuthority("foreign-ca", now.AddDays(-30), now.AddDays(2));
        CaFile = Write("ca.pem", Ca, key: false);

        Add("coordinator", CertificateIssuer.Issue(Ca, "coordinator", ParticipantRole.Coordinator, now.AddHours(-1), now.AddDays(1), ["127.0.0.1"]));
        foreach (var site in sites.Length == 0 ? ["site-a", "site-b"] : sites)
            Add(site, CertificateIssuer.Issue(Ca, site, ParticipantRole.Site, now.AddHours(-1), now.AddDays(1)));
        Add("admin", CertificateIssuer.Issue(Ca, "admin", ParticipantRole.Admin, now.AddHours(-1), now.AddDays(1)));
        Add("auditor", CertificateIssuer.Issue(Ca, "auditor", ParticipantRole.Auditor, now.AddHours(-1), now.AddDays(1)));
        Add("expired", CertificateIssuer.Issue(Ca, "expired", ParticipantRole.Site, now.AddDays(-10), now.AddDays(-1)));
        Add("notyet", CertificateIssuer.Issue(Ca, "notyet", ParticipantRole.Site, now.AddDays(1), now.AddDays(2)));
        Add("intruder", CertificateIssuer.Issue(_foreignCa, "intruder", ParticipantRole.Site, now.AddHours(-1), now.AddDays(1)));
    }

    /// <summary>The folder holding every file: ca.pem and NAME.pem / NAME.key.pem per certificate.</summary>
    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    public string CaFile { get; }

    /// <summary>Where the coordinator looks for the revocation list (absent until a test writes one with <see cref="Revoke"/>).</summary>
    public string RevocationListFile => System.IO.Path.Combine(Directory, "revoked.crl.pem");

    /// <summary>Adds <paramref name="name"/>'s certificate to the revocation list file, signed by <see cref="Ca"/>.</summary>
    public void Revoke(string name)
    {
        var previous = File.Exists(RevocationListFile) ? File.ReadAllBytes(RevocationListFile) : null;
        var list = RevocationList.Build(Ca, previous, Certificate(name), DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
        File.WriteAllText(RevocationListFile, System.Security.Cryptography.PemEncoding.WriteString("X509 CRL", list));
    }

    /// <summary>A certificate with its private key: coordinator, admin, expired, intruder or a site name.</summary>
    public X509Certificate2 Certificate(string name) => _certificates[name];

    public string CertificateFile(string name) => System.IO.Path.Combine(Directory, name + ".pem");

    public string KeyFile(string name) => System.IO.Path.Combine(Directory, name + ".key.pem");

    /// <summary>Coordinator settings for a TLS listener on a free loopback port requiring client certificates from <see cref="Ca"/>.</summary>
    public Dictionary<string, string?> CoordinatorSettings() => new()
    {
        ["Coordinator:Listener:Url"] = "https://127.0.0.1:0",
        ["Coordinator:Listener:CertificatePath"] = CertificateFile("coordinator"),
        ["Coordinator:Listener:CertificateKeyPath"] = KeyFile("coordinator"),
        ["Coordinator:Listener:RequireClientCertificate"] = "true",
        ["Coordinator:Listener:ClientCaPath"] = CaFile,
        ["Coordinator:Listener:RevocationListPath"] = RevocationListFile,
        ["Coordinator:AllowInsecureSiteIdentity"] = "false",
    };

    /// <summary>A channel trusting only <see cref="Ca"/>, presenting <paramref name="client"/> (null: no certificate).</summary>
    public Grpc.Net.Client.GrpcChannel Channel(Uri address, string? client) => TestChannels.Open(address, client is null ? null : Certificate(client), Ca);

    private void Add(string name, X509Certificate2 certificate)
    {
        _certificates[name] = certificate;
        Write(name + ".pem", certificate, key: false);
        Write(name + ".key.pem", certificate, key: true);
    }

    private string Write(string file, X509Certificate2 certificate, bool key)
    {
        var path = System.IO.Path.Combine(Directory, file);
        if (key) PemFiles.WritePrivateKey(path, certificate);
        else PemFiles.WriteCertificate(path, certificate);
        return path;
    }

    public void Dispose()
    {
        foreach (var certificate in _certificates.Values) certificate.Dispose();
        Ca.Dispose();
        _foreignCa.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS temp cleaner gets leftovers.
        }
    }
}
