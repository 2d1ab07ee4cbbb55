using System.Security.Cryptography.X509Certificates;
using FedTransfer.Rpc;
using FedTransfer.Site.Configuration;

namespace FedTransfer.Site.Egress;

/// <summary>Builds the transport to the coordinator from the site options: plaintext for loopback, TLS (optionally mutual) otherwise.</summary>
internal static class CoordinatorChannelFactory
{
    public static ICoordinatorTransport Create(SiteOptions options)
    {
        var channelOptions = new GrpcChannelOptions();
        if (!string.IsNullOrWhiteSpace(options.ClientCertificateFile))
            channelOptions.ClientCertificate = Load(options.ClientCertificateFile, () => X509Certificate2.CreateFromPemFile(options.ClientCertificateFile, options.ClientKeyFile));
        if (!string.IsNullOrWhiteSpace(options.TrustedCaFile))
            channelOptions.TrustedCa = Load(options.TrustedCaFile, () => X509Certificate2.CreateFromPem(File.ReadAllText(options.TrustedCaFile)));
        return new GrpcCoordinatorTransport(GrpcChannel.Create(new Uri(options.CoordinatorUrl), channelOptions));
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
