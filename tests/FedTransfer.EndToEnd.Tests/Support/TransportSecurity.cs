using FedTransfer.Site.Egress;
using Grpc.Net.Client;
using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.EndToEnd.Tests.Support;

/// <summary>
/// How the coordinator, the sites and the central team's client talk: plaintext h2c on loopback, or mutual TLS with a
/// <see cref="TestPki"/> (sites then get their identity from their certificates). Every fixture builds its settings
/// from here, so one switch turns mTLS on for every end-to-end test.
/// </summary>
internal sealed class TransportSecurity
{
    private TransportSecurity(TestPki? pki) => Pki = pki;

    public TestPki? Pki { get; }

    public string Scheme => Pki is null ? "http" : "https";

    public static TransportSecurity Plaintext() => new(null);

    public static TransportSecurity MutualTls(string directory, IEnumerable<string> sites) => new(new TestPki(directory, sites));

    /// <summary>The coordinator's listener and identity settings.</summary>
    public IEnumerable<KeyValuePair<string, string?>> CoordinatorSettings(int port)
    {
        yield return new("Coordinator:Listener:Url", $"{Scheme}://127.0.0.1:{port}");
        if (Pki is null) yield break;
        yield return new("Coordinator:Listener:CertificatePath", Pki.Coordinator.CertificateFile);
        yield return new("Coordinator:Listener:CertificateKeyPath", Pki.Coordinator.KeyFile);
        yield return new("Coordinator:Listener:RequireClientCertificate", "true");
        yield return new("Coordinator:Listener:ClientCaPath", Pki.CaFile);
        yield return new("Coordinator:AllowInsecureSiteIdentity", "false");
    }

    /// <summary>A site's connection settings, as command-line overrides.</summary>
    public IEnumerable<string> SiteArguments(string siteName, int port)
    {
        yield return $"--Site:CoordinatorUrl={Scheme}://127.0.0.1:{port}";
        if (Pki is null) yield break;
        var pair = Pki.Sites[siteName];
        yield return $"--Site:ClientCertificateFile={pair.CertificateFile}";
        yield return $"--Site:ClientKeyFile={pair.KeyFile}";
        yield return $"--Site:TrustedCaFile={Pki.CaFile}";
    }

    /// <summary>The central team's channel to the coordinator.</summary>
    public GrpcChannel AdminChannel(int port)
    {
        var address = new Uri($"{Scheme}://127.0.0.1:{port}");
        return Pki is null
            ? CoordinatorChannel.Open(address)
            : CoordinatorChannel.Open(address, Pki.Admin.Load(), X509Certificate2.CreateFromPem(File.ReadAllText(Pki.CaFile)));
    }
}
