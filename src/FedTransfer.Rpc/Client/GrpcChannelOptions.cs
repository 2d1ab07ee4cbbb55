using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Rpc;

/// <summary>Settings of a <see cref="GrpcChannel"/>. Defaults suit a site dialling a coordinator over a WAN or loopback.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>Client certificate (with private key) presented during the TLS handshake; null for none.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>
    /// When set, the server certificate must chain to this CA (and match the host name); the machine's trust store
    /// is not consulted. When null, the system trust store decides.
    /// </summary>
    public X509Certificate2? TrustedCa { get; set; }

    /// <summary>Largest response message accepted, in bytes, after decompression (default 4 MiB).</summary>
    public int MaxReceiveMessageSize { get; set; } = GrpcServerOptions.DefaultMaxReceiveMessageSize;

    /// <summary>Largest request message sent, in bytes; null means no limit.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>Retries after the first attempt, for idempotent calls failing with UNAVAILABLE (0 disables retries).</summary>
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>Backoff ceiling before the first retry; each retry multiplies it by <see cref="BackoffMultiplier"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of the backoff ceiling.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Growth factor of the backoff ceiling between retries.</summary>
    public double BackoffMultiplier { get; set; } = 2.0;

    /// <summary>Interval of HTTP/2 keep-alive pings while calls are active; null disables pings.</summary>
    public TimeSpan? KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a ping may go unanswered before the connection is considered dead.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Also ping idle connections (no active calls), e.g. to keep NAT bindings of long-lived channels.</summary>
    public bool KeepAlivePingWhenIdle { get; set; }

    /// <summary>Open additional HTTP/2 connections when one reaches the server's concurrent-stream limit.</summary>
    public bool EnableMultipleHttp2Connections { get; set; } = true;

    /// <summary>TCP + TLS connect timeout; a call that cannot connect fails with UNAVAILABLE.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>HTTP/2 receive window per stream, bytes (65535 - 16 MiB); larger windows speed up big downloads.</summary>
    public int InitialStreamWindowSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>Compression of request messages: null (none) or "gzip".</summary>
    public string? RequestCompression { get; set; }

    /// <summary>Logger factory for retry and failure diagnostics; null disables logging.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal void Validate()
    {
        Require(MaxReceiveMessageSize > 0, "MaxReceiveMessageSize must be positive (bytes)");
        Require(MaxSendMessageSize is null or > 0, "MaxSendMessageSize must be positive (bytes) or null");
        Require(MaxRetryAttempts >= 0, "MaxRetryAttempts must be 0 or more");
        Require(InitialBackoff > TimeSpan.Zero && MaxBackoff >= InitialBackoff, "InitialBackoff must be positive and not above MaxBackoff");
        Require(BackoffMultiplier >= 1, "BackoffMultiplier must be at least 1");
        Require(InitialStreamWindowSize is >= 65535 and <= 16 * 1024 * 1024, "InitialStreamWindowSize must be between 65535 and 16 MiB");
        Require(RequestCompression is null || Framing.MessageCompression.IsSupported(RequestCompression), "RequestCompression must be null, \"identity\" or \"gzip\"");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid GrpcChannelOptions: {message}.");
        }
    }
}
