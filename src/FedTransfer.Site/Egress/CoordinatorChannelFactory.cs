using System.Security.Cryptography.X509Certificates;
using FedTransfer.Site.Configuration;

namespace FedTransfer.Site.Egress;

/// <summary>Builds the transport to the coordinator from the site options: plaintext for loopback, TLS (optionally mutual) otherwise.</summary>
internal static class CoordinatorChannelFactory
{
    public static ICoordinatorTransport Create(SiteOptions options)
    {
        X509Certificate2? clientCertificate = null, trustedCa = null;
        if (!string.IsNullOrWhiteSpace(options.ClientCertificateFile))
            clientCertificate = Load(options.ClientCertificateFile, () => X509Certificate2.CreateFromPemFile(options.ClientCertificateFile, options.ClientKeyFile));
        if (!string.IsNullOrWhiteSpace(options.TrustedCaFile))
            trustedCa = Load(options.TrustedCaFile, () => X509Certificate2.CreateFromPem(File.ReadAllText(options.TrustedCaFile)));
        var channel = CoordinatorChannel.Open(new Uri(options.CoordinatorUrl), clientCertificate, trustedCa, options.Transport == CoordinatorTransport.GrpcWeb);
        return new GrpcCoordinatorTransport(channel, TimeSpan.FromSeconds(options.TransferTimeoutSeconds));
    }

    private static X509Certificate2 Load(string path, Func<X509Certificate2> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or ArgumentException)
        {
            throw new InvalidOperationException($"cannot read the PEM certificate or key '{Path.GetFullPath(path)}': {e.Message}; check the Site TLS file settings", e);
        }
    }
}
