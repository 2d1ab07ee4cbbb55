using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace FedTransfer.Coordinator.Tests.Support;

/// <summary>grpc-dotnet channels to a test coordinator on loopback (clients: <see cref="Contracts.ChannelClients"/>).</summary>
internal static class TestChannels
{
    /// <summary>A channel presenting <paramref name="client"/> (null: none) and trusting only <paramref name="ca"/> (null: plaintext or system trust).</summary>
    public static GrpcChannel Open(Uri address, X509Certificate2? client = null, X509Certificate2? ca = null)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5), EnableMultipleHttp2Connections = true };
        if (client is not null) handler.SslOptions.ClientCertificates = new X509CertificateCollection { client };
        if (ca is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
            };
        }
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
