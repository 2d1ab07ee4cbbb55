using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Rpc;

/// <summary>
/// Where and how the gRPC server listens. <see cref="Url"/>'s scheme chooses the mode: <c>http://</c> is
/// plaintext HTTP/2 with prior knowledge (h2c, local use), <c>https://</c> is TLS with ALPN h2, optionally
/// requiring client certificates issued by <see cref="ClientCaPath"/> / <see cref="ClientCa"/>.
/// Bindable from configuration (paths) or set in code (certificate objects, callbacks).
/// </summary>
public sealed class GrpcListenerOptions
{
    /// <summary>Configuration section conventionally bound to these options.</summary>
    public const string SectionName = "Grpc:Listener";

    /// <summary>
    /// Listen address, e.g. <c>http://127.0.0.1:5000</c> or <c>https://0.0.0.0:7443</c>. Host is an IP address,
    /// <c>localhost</c>, or <c>*</c> / <c>0.0.0.0</c> for all interfaces; port 0 picks a free port.
    /// </summary>
    public string Url { get; set; } = "http://127.0.0.1:0";

    /// <summary>Server certificate (with private key) for TLS; overrides <see cref="CertificatePath"/>.</summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>Server certificate file: PEM (with <see cref="CertificateKeyPath"/>) or PKCS#12 (.pfx/.p12).</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key file for <see cref="CertificatePath"/>; omit when the PEM holds the key too.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>Password of a PKCS#12 <see cref="CertificatePath"/>.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>When true, TLS clients must present a certificate that chains to the client CA.</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>CA that client certificates must chain to; overrides <see cref="ClientCaPath"/>.</summary>
    public X509Certificate2? ClientCa { get; set; }

    /// <summary>File (PEM or DER) of the CA that client certificates must chain to.</summary>
    public string? ClientCaPath { get; set; }

    /// <summary>
    /// Extra check run after the CA check succeeded (e.g. an allow-list of subjects); return false to refuse
    /// the connection. Optional.
    /// </summary>
    public Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool>? ClientCertificateValidator { get; set; }

    /// <summary>
    /// Told about every client certificate refused during the TLS handshake, with one line saying why (not issued by the
    /// client CA, expired, refused by <see cref="ClientCertificateValidator"/>), so the host can log it. Optional.
    /// </summary>
    public Action<X509Certificate2, string>? ClientCertificateRefused { get; set; }

    /// <summary>HTTP/2 connection flow-control window, bytes. Large windows keep bulk uploads from stalling on loopback and LANs.</summary>
    public int InitialConnectionWindowSize { get; set; } = 32 * 1024 * 1024;

    /// <summary>HTTP/2 per-stream flow-control window, bytes.</summary>
    public int InitialStreamWindowSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest HTTP/2 frame the server accepts, bytes (16 KiB - 16 MiB); bigger frames mean fewer per-frame costs.</summary>
    public int MaxFrameSize { get; set; } = 1024 * 1024;

    /// <summary>
    /// Response bytes a call may buffer before its writes wait for the network, bytes. Above one message (1 MiB
    /// chunks) so serializing the next message overlaps with sending the previous one.
    /// </summary>
    public long MaxResponseBufferSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Concurrent streams (calls) per connection.</summary>
    public int MaxStreamsPerConnection { get; set; } = 256;

    /// <summary>Interval of server keep-alive pings on idle connections; null disables them.</summary>
    public TimeSpan? KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for a ping's answer before closing the connection.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A shallow copy (certificates and callbacks shared), for hosts that adjust a bound instance before listening.</summary>
    public GrpcListenerOptions Clone() => (GrpcListenerOptions)MemberwiseClone();

    /// <summary>True when <see cref="Url"/> asks for TLS.</summary>
    public bool UseTls => Url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
}
