using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using FedTransfer.Contracts;
using Grpc.Net.Client;
using Grpc.Net.Client.Web;

namespace FedTransfer.Site.Egress;

/// <summary>
/// A grpc-dotnet channel to the coordinator, as sites and the central team's CLI open it: HTTP/2 keepalive pings while
/// calls are open (a vanished coordinator is noticed within about 25 s), the message limits of <see cref="WireLimits"/>,
/// an optional client certificate, and the coordinator's certificate checked against exactly the federation's CA when one
/// is given (never the machine's roots). <paramref name="grpcWeb"/> speaks gRPC-Web over HTTP/1.1 instead of HTTP/2.
/// </summary>
public static class CoordinatorChannel
{
    /// <param name="address">The coordinator, http:// (loopback development) or https://.</param>
    /// <param name="clientCertificate">This participant's certificate with its private key, or null.</param>
    /// <param name="trustedCa">The federation's CA the coordinator's certificate must chain to, or null for the system's trust.</param>
    /// <param name="grpcWeb">gRPC-Web over HTTP/1.1 (for proxies that pass nothing else).</param>
    public static GrpcChannel Open(Uri address, X509Certificate2? clientCertificate = null, X509Certificate2? trustedCa = null, bool grpcWeb = false)
    {
        var sockets = new SocketsHttpHandler
        {
            KeepAlivePingDelay = WireLimits.KeepAlivePingDelay,
            KeepAlivePingTimeout = WireLimits.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            EnableMultipleHttp2Connections = true,
            // Downloads of a large backbone should not stall on the 64 KiB default window over a long fat link.
            InitialHttp2StreamWindowSize = 4 * 1024 * 1024,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
        };
        if (clientCertificate is not null)
        {
            sockets.SslOptions.ClientCertificates = new X509CertificateCollection { clientCertificate };
            sockets.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }
        if (trustedCa is not null)
        {
            // A refusal is thrown, not returned: its one line then travels up inside the failed call, where the site's log
            // shows it, instead of .NET's "rejected by the provided RemoteCertificateValidationCallback".
            sockets.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                Judge(certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()), trustedCa, errors) is { } refusal
                    ? throw new CoordinatorCertificateRejectedException(refusal)
                    : true;
        }
        HttpMessageHandler handler = grpcWeb ? new GrpcWebHandler(GrpcWebMode.GrpcWeb, sockets) : sockets;
        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            // gRPC-Web exactly over HTTP/1.1: with the default policy ALPN would upgrade it to h2, which is what the proxy cannot pass.
            HttpVersion = grpcWeb ? HttpVersion.Version11 : HttpVersion.Version20,
            HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            MaxReceiveMessageSize = WireLimits.MaxMessageBytes,
            MaxSendMessageSize = WireLimits.MaxMessageBytes,
            DisposeHttpClient = true,
        });
    }

    /// <summary>
    /// Null when the coordinator's certificate is to be trusted (it names the host and chains to exactly the configured CA);
    /// otherwise one line: which certificate, why not, what to do.
    /// </summary>
    internal static string? Judge(X509Certificate2? certificate, X509Certificate2 ca, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
            return "the coordinator presented no TLS certificate; check Site:CoordinatorUrl";
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            return $"the coordinator's certificate '{certificate.Subject}' does not name the host in Site:CoordinatorUrl; use the address its kit was provisioned for (--coordinator-host)";
        return FedTransfer.Federation.Identity.ParticipantCertificate.CheckChain(certificate, ca, DateTimeOffset.UtcNow) is { } reason
            ? $"the coordinator's {reason}; Site:TrustedCaFile must be the ca.pem of this federation's kit"
            : null;
    }
}
