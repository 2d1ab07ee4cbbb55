using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Coordinator;

/// <summary>
/// Where and how the coordinator listens (<c>Coordinator:Listener</c>). <see cref="Url"/>'s scheme chooses the mode:
/// <c>http://</c> is plaintext HTTP/2 with prior knowledge (h2c, development on loopback), <c>https://</c> is TLS with ALPN
/// (HTTP/2 for gRPC, HTTP/1.1 for gRPC-Web), optionally requiring client certificates issued by the federation's CA.
/// Bound from configuration (file paths) or set in code (certificate objects, tests).
/// </summary>
public sealed class ListenerOptions
{
    /// <summary>
    /// Listen address, e.g. <c>http://127.0.0.1:7070</c> or <c>https://0.0.0.0:7443</c>. Host: an IP address, <c>localhost</c>,
    /// or <c>*</c> / <c>0.0.0.0</c> for all interfaces; port 0 picks a free port.
    /// </summary>
    public string Url { get; set; } = "http://127.0.0.1:7070";

    /// <summary>Server certificate (with private key) for TLS; overrides <see cref="CertificatePath"/>.</summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>Server certificate file: PEM (with <see cref="CertificateKeyPath"/>) or PKCS#12 (.pfx/.p12).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key file for <see cref="CertificatePath"/>; omit when the PEM holds the key too.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>Password of a PKCS#12 <see cref="CertificatePath"/>.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>When true, every call must carry a client certificate that chains to the client CA (checked per call).</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>CA that client certificates must chain to; overrides <see cref="ClientCaPath"/>.</summary>
    public X509Certificate2? ClientCa { get; set; }

    /// <summary>File (PEM or DER) of the CA that client certificates must chain to.</summary>
    public string? ClientCaPath { get; set; }

    /// <summary>
    /// The federation's certificate revocation list (PEM or DER CRL signed by the client CA), as <c>fedtransfer revoke</c>
    /// writes it into the coordinator's kit (<c>revoked.crl.pem</c>). Honoured when the file exists, re-read when it
    /// changes; a certificate it lists is refused. Null or a missing file: nothing is revoked.
    /// </summary>
    public string? RevocationListPath { get; set; }

    /// <summary>HTTP/2 connection flow-control window, bytes.</summary>
    public int InitialConnectionWindowSize { get; set; } = 2 * 1024 * 1024;

    /// <summary>HTTP/2 per-stream flow-control window, bytes: memory the coordinator may hold per uploading site.</summary>
    public int InitialStreamWindowSize { get; set; } = 1024 * 1024;

    /// <summary>Largest HTTP/2 frame the server accepts, bytes (16 KiB - 16 MiB).</summary>
    public int MaxFrameSize { get; set; } = 1024 * 1024;

    /// <summary>Response bytes a call may buffer before its writes wait for the network (one download chunk by default).</summary>
    public long MaxResponseBufferSize { get; set; } = 1024 * 1024;

    /// <summary>Concurrent streams (calls) per connection.</summary>
    public int MaxStreamsPerConnection { get; set; } = 256;

    /// <summary>Interval of server keepalive pings on a connection that has been quiet; null disables them.</summary>
    public TimeSpan? KeepAlivePingDelay { get; set; } = Contracts.WireLimits.ServerKeepAlivePingDelay;

    /// <summary>How long to wait for a ping's answer before closing the connection (and failing its calls).</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = Contracts.WireLimits.ServerKeepAlivePingTimeout;

    /// <summary>True when <see cref="Url"/> asks for TLS.</summary>
    public bool UseTls => Url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
