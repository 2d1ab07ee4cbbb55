namespace FedTransfer.Contracts;

/// <summary>
/// The sizes and liveness timings both ends of the wire agree on, in one place: the coordinator's server limits, the
/// site's and the CLI's channels and the chunking of every artifact and payload are derived from these.
/// </summary>
public static class WireLimits
{
    /// <summary>Largest chunk of an artifact or payload (3 MiB): a chunk plus its framing always fits <see cref="MaxMessageBytes"/>.</summary>
    public const int MaxChunkBytes = 3 * 1024 * 1024;

    /// <summary>The chunk size senders use and a FetchArtifact request gets when it leaves the size 0 (1 MiB).</summary>
    public const int DefaultChunkBytes = 1024 * 1024;

    /// <summary>Largest gRPC message either end sends or accepts (4 MiB, gRPC's usual default).</summary>
    public const int MaxMessageBytes = 4 * 1024 * 1024;

    /// <summary>
    /// Idle time after which either end pings the other over HTTP/2 while calls are open; with <see cref="KeepAlivePingTimeout"/>
    /// a vanished peer is noticed within about 25 seconds, even in the middle of a long-poll or a stalled stream.
    /// </summary>
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(15);

    /// <summary>How long a keepalive ping may go unanswered before the connection is closed and its calls fail.</summary>
    public static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The coordinator pings a quiet connection sooner than sites do: a site's liveness follows its connection, and a site
    /// whose network vanished must be offline (and no longer sampled) within 10 s: this delay plus
    /// <see cref="ServerKeepAlivePingTimeout"/>, plus up to a second for each of the two on Kestrel's 1 s heartbeat
    /// (measured: 11.4 s with 4 s + 5 s). A ping is one 17-byte HTTP/2 frame, answered by the site's HTTP stack.
    /// </summary>
    public static readonly TimeSpan ServerKeepAlivePingDelay = TimeSpan.FromSeconds(2);

    /// <summary>How long the coordinator waits for a ping's answer before it closes the connection.</summary>
    public static readonly TimeSpan ServerKeepAlivePingTimeout = TimeSpan.FromSeconds(4);
}
