using System.Security.Cryptography.X509Certificates;
using FedTransfer.Federation.Identity;

namespace FedTransfer.EndToEnd.Tests.Support;

/// <summary>
/// A throw-away federation PKI as PEM files, issued by the same <see cref="CertificateIssuer"/> as
/// <c>fedtransfer provision</c>: a CA, a coordinator certificate (localhost, 127.0.0.1), one site certificate per site
/// (CN = the site's name, OU=site) and one for the central team (OU=admin).
/// </summary>
internal sealed class TestPki
{
    private readonly string _directory;
    private readonly X509Certificate2 _ca;
    private readonly DateTimeOffset _from = DateTimeOffset.UtcNow.AddHours(-1);
    private readonly DateTimeOffset _until = DateTimeOffset.UtcNow.AddHours(12);

    public TestPki(string directory, IEnumerable<string> sites)
    {
        _directory = Directory.CreateDirectory(directory).FullName;
        _ca = CertificateIssuer.CreateAuthority("fedtransfer-e2e-ca", _from.AddHours(-1), _until.AddHours(1));
        CaFile = Path.Combine(_directory, "ca.pem");
        File.WriteAllText(CaFile, _ca.ExportCertificatePem());
        Coordinator = Issue("coordinator", ParticipantRole.Coordinator);
        Admin = Issue("admin", ParticipantRole.Admin);
        foreach (var site in sites) Sites[site] = Issue(site, ParticipantRole.Site);
    }

    public string CaFile { get; }
    public PemPair Coordinator { get; }
    public PemPair Admin { get; }
    public Dictionary<string, PemPair> Sites { get; } = new(StringComparer.Ordinal);

    private PemPair Issue(string name, ParticipantRole role)
    {
        using var issued = CertificateIssuer.Issue(_ca, name, role, _from, _until, role == ParticipantRole.Coordinator ? ["127.0.0.1"] : null);
        var pair = new PemPair(Path.Combine(_directory, $"{role}-{name}.pem"), Path.Combine(_directory, $"{role}-{name}.key.pem"));
        File.WriteAllText(pair.CertificateFile, issued.ExportCertificatePem());
        File.WriteAllText(pair.KeyFile, issued.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return pair;
    }
}

/// <summary>A certificate and its private key, as PEM files.</summary>
internal sealed record PemPair(string CertificateFile, string KeyFile)
{
    public X509Certificate2 Load() => X509Certificate2.CreateFromPemFile(CertificateFile, KeyFile);
}
