using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace FedTransfer.Rpc;

/// <summary>Applies <see cref="GrpcListenerOptions"/> to Kestrel.</summary>
public static class GrpcKestrelExtensions
{
    /// <summary>
    /// Adds the gRPC listener: HTTP/2 only, plaintext prior-knowledge or TLS per <see cref="GrpcListenerOptions.Url"/>,
    /// with the HTTP/2 limits (flow-control windows, frame size, keep-alive) the options carry.
    /// </summary>
    /// <exception cref="ArgumentException">The URL, certificate files or limits are invalid; the message says which.</exception>
    public static KestrelServerOptions ListenGrpc(this KestrelServerOptions kestrel, GrpcListenerOptions options)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(options);
        var (address, port) = ParseUrl(options.Url);
        Validate(options);
        ApplyHttp2Limits(kestrel, options);
        var tls = options.UseTls ? ListenerCertificates.Load(options) : null;

        kestrel.Listen(address, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            if (tls is null)
            {
                return;
            }

            listen.UseHttps(https =>
            {
                https.ServerCertificate = tls.ServerCertificate;
                https.ClientCertificateMode = tls.ClientCa is null
                    ? ClientCertificateMode.NoCertificate
                    : options.RequireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.AllowCertificate;
                if (tls.ClientCa is not null)
                {
                    https.ClientCertificateValidation = (cert, chain, errors) =>
                        ListenerCertificates.ValidateClient(cert, tls.ClientCa, chain, errors, options.ClientCertificateValidator, options.ClientCertificateRefused);
                }
            });
        });
        return kestrel;
    }

    private static void ApplyHttp2Limits(KestrelServerOptions kestrel, GrpcListenerOptions options)
    {
        // Lets a handler queue the next large message while Kestrel still sends the previous one (64 KiB by default).
        kestrel.Limits.MaxResponseBufferSize = options.MaxResponseBufferSize;
        var http2 = kestrel.Limits.Http2;
        http2.InitialConnectionWindowSize = options.InitialConnectionWindowSize;
        http2.InitialStreamWindowSize = options.InitialStreamWindowSize;
        http2.MaxFrameSize = options.MaxFrameSize;
        http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection;
        http2.KeepAlivePingDelay = options.KeepAlivePingDelay ?? Timeout.InfiniteTimeSpan;
        http2.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
    }

    private static void Validate(GrpcListenerOptions options)
    {
        static void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new ArgumentException($"Invalid GrpcListenerOptions: {message}.");
            }
        }

        Require(options.InitialConnectionWindowSize >= 65535, "InitialConnectionWindowSize must be at least 65535 bytes");
        Require(options.InitialStreamWindowSize >= 65535, "InitialStreamWindowSize must be at least 65535 bytes");
        Require(options.InitialConnectionWindowSize >= options.InitialStreamWindowSize,
            "InitialConnectionWindowSize must not be smaller than InitialStreamWindowSize");
        Require(options.MaxFrameSize is >= 16 * 1024 and < 16 * 1024 * 1024, "MaxFrameSize must be between 16 KiB and 16 MiB - 1");
        Require(options.MaxStreamsPerConnection > 0, "MaxStreamsPerConnection must be positive");
        Require(options.MaxResponseBufferSize > 0, "MaxResponseBufferSize must be positive");
        Require(options.KeepAlivePingTimeout > TimeSpan.Zero, "KeepAlivePingTimeout must be positive");
    }

    internal static (IPAddress Address, int Port) ParseUrl(string url)
    {
        if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ||
            (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException(
                $"Grpc listener Url '{url}' is invalid: use http://HOST:PORT (plaintext h2c) or https://HOST:PORT (TLS).", nameof(url));
        }

        var port = uri.IsDefaultPort && !url.Contains(":" + uri.Port, StringComparison.Ordinal) ? 0 : uri.Port;
        var host = uri.Host.Trim('[', ']');
        IPAddress address = host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var parsed)
                ? parsed
                : throw new ArgumentException(
                    $"Grpc listener Url '{url}': host '{host}' must be an IP address, localhost or *.", nameof(url));
        return (address, port);
    }
}
