using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace FedTransfer.Coordinator;

/// <summary>
/// Applies <see cref="ListenerOptions"/> to Kestrel: the one listening socket, its TLS and its HTTP/2 limits.
/// With a client CA, a client certificate is asked for in the handshake but judged per call by
/// <see cref="Security.CallerAuthorization"/> (chain to the federation CA only, validity, role): a caller with no
/// certificate, a foreign or an expired one then gets UNAUTHENTICATED with one line saying what to fix, and the refusal
/// is logged with its name and address, instead of a connection reset nobody can read.
/// </summary>
internal static class KestrelListener
{
    /// <exception cref="ArgumentException">The URL, certificate files or limits are invalid; the message names the setting.</exception>
    /// <param name="presence">Told when each connection opens and closes, so a site's liveness follows its connection.</param>
    public static void Listen(KestrelServerOptions kestrel, ListenerOptions options, Sites.SitePresence? presence = null)
    {
        var (address, port) = ParseUrl(options.Url);
        Validate(options);
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxResponseBufferSize = options.MaxResponseBufferSize;
        var http2 = kestrel.Limits.Http2;
        http2.InitialConnectionWindowSize = options.InitialConnectionWindowSize;
        http2.InitialStreamWindowSize = options.InitialStreamWindowSize;
        http2.MaxFrameSize = options.MaxFrameSize;
        http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection;
        http2.KeepAlivePingDelay = options.KeepAlivePingDelay ?? Timeout.InfiniteTimeSpan;
        http2.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
        var serverCertificate = options.UseTls ? options.ServerCertificate ?? LoadServerCertificate(options) : null;

        kestrel.Listen(address, port, listen =>
        {
            // Plaintext has no ALPN to choose with: h2c prior knowledge only. TLS offers h2 (gRPC) and http/1.1 (gRPC-Web).
            listen.Protocols = serverCertificate is null ? HttpProtocols.Http2 : HttpProtocols.Http1AndHttp2;
            if (presence is not null)
            {
                // Outermost, so it sees the connection from accept to close whatever TLS and HTTP do inside it.
                listen.Use(next => async connection =>
                {
                    presence.ConnectionOpened(connection.ConnectionId);
                    try
                    {
                        await next(connection).ConfigureAwait(false);
                    }
                    finally
                    {
                        presence.ConnectionClosed(connection.ConnectionId);
                    }
                });
            }
            if (serverCertificate is null) return;
            listen.UseHttps(https =>
            {
                https.ServerCertificate = serverCertificate;
                var wantsClientCertificates = options.ClientCa is not null || !string.IsNullOrWhiteSpace(options.ClientCaPath);
                https.ClientCertificateMode = wantsClientCertificates ? ClientCertificateMode.AllowCertificate : ClientCertificateMode.NoCertificate;
                // Judged per call against the federation CA (CallerAuthorization), never against the machine's roots.
                https.ClientCertificateValidation = (_, _, _) => true;
            });
        });
    }

    private static void Validate(ListenerOptions options)
    {
        static void Require(bool condition, string message)
        {
            if (!condition) throw new ArgumentException($"Coordinator:Listener:{message}");
        }

        Require(options.InitialConnectionWindowSize >= 65535, "InitialConnectionWindowSize must be at least 65535 bytes");
        Require(options.InitialStreamWindowSize >= 65535, "InitialStreamWindowSize must be at least 65535 bytes");
        Require(options.InitialConnectionWindowSize >= options.InitialStreamWindowSize,
            "InitialConnectionWindowSize must not be smaller than InitialStreamWindowSize");
        Require(options.MaxFrameSize is >= 16 * 1024 and < 16 * 1024 * 1024, "MaxFrameSize must be between 16384 and 16777215 bytes");
        Require(options.MaxStreamsPerConnection > 0, "MaxStreamsPerConnection must be positive");
        Require(options.MaxResponseBufferSize > 0, "MaxResponseBufferSize must be positive");
        Require(options.KeepAlivePingTimeout > TimeSpan.Zero, "KeepAlivePingTimeout must be positive");
    }

    internal static (IPAddress Address, int Port) ParseUrl(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"Coordinator:Listener:Url '{url}' is invalid: use http://HOST:PORT (plaintext h2c) or https://HOST:PORT (TLS)");
        var port = uri.IsDefaultPort && !url.Contains(":" + uri.Port, StringComparison.Ordinal) ? 0 : uri.Port;
        var host = uri.Host.Trim('[', ']');
        var address = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed)
                ? parsed
                : throw new ArgumentException($"Coordinator:Listener:Url '{url}': host '{host}' must be an IP address, localhost or *");
        return (address, port);
    }

    private static X509Certificate2 LoadServerCertificate(ListenerOptions options)
    {
        var path = options.CertificatePath;
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException("Coordinator:Listener:CertificatePath must be set for an https:// Url (and CertificateKeyPath for PEM)");
        if (!File.Exists(path)) throw new ArgumentException($"Coordinator:Listener:CertificatePath '{path}' does not exist");
        X509Certificate2 certificate;
        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            certificate = extension is ".pfx" or ".p12"
                ? X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword)
                : X509Certificate2.CreateFromPemFile(path, options.CertificateKeyPath);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"Coordinator:Listener:CertificatePath '{path}' cannot be loaded: {e.Message}", e);
        }
        if (!certificate.HasPrivateKey)
            throw new ArgumentException($"Coordinator:Listener: certificate '{certificate.Subject}' has no private key; set CertificateKeyPath or use a PKCS#12 file");
        return certificate;
    }
}
