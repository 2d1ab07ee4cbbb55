using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Rpc;

/// <summary>What a handler knows about the call it serves.</summary>
public sealed class ServerCallContext
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Creates a context. The server builds one per call; handlers' unit tests may build their own.
    /// </summary>
    public ServerCallContext(
        string method = "",
        CancellationToken cancellationToken = default,
        DateTime? deadline = null,
        X509Certificate2? clientCertificate = null,
        IReadOnlyDictionary<string, string>? requestHeaders = null,
        string peer = "")
    {
        Method = method;
        CancellationToken = cancellationToken;
        Deadline = deadline;
        ClientCertificate = clientCertificate;
        RequestHeaders = requestHeaders ?? NoHeaders;
        Peer = peer;
    }

    /// <summary>The called method's path, <c>/service/method</c>.</summary>
    public string Method { get; }

    /// <summary>Fires when the client cancels or disconnects, or the deadline expires.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The call's deadline (UTC) taken from <c>grpc-timeout</c>; null when the client set none.</summary>
    public DateTime? Deadline { get; }

    /// <summary>The caller's TLS client certificate; null on plaintext or when the client sent none.</summary>
    public X509Certificate2? ClientCertificate { get; }

    /// <summary>
    /// Request headers (lower-case names, case-insensitive lookup; repeated headers joined with ",").
    /// <c>-bin</c> values are the base64 text as received: decode with <see cref="GrpcMetadata.DecodeBinary"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> RequestHeaders { get; }

    /// <summary>The caller's address, e.g. <c>ipv4:127.0.0.1:50312</c>.</summary>
    public string Peer { get; }
}
