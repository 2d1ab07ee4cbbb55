namespace FedTransfer.Rpc;

/// <summary>Per-call settings for <see cref="GrpcChannel"/> calls.</summary>
public sealed record CallOptions
{
    /// <summary>Absolute deadline (UTC). Combined with <see cref="Timeout"/>, the earlier one wins.</summary>
    public DateTime? Deadline { get; init; }

    /// <summary>Relative deadline measured from the start of the call.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Cancels the call; the call then fails with <see cref="StatusCode.Cancelled"/>.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>
    /// Custom metadata sent as request headers. Names are lower-cased; names ending in <c>-bin</c> carry
    /// base64 text (see <see cref="GrpcMetadata.EncodeBinary"/>).
    /// </summary>
    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    /// <summary>
    /// True when the call may safely run more than once: only then is it retried after UNAVAILABLE or a
    /// connection failure. Streaming-request calls are retried only while no request message has been taken.
    /// </summary>
    public bool Idempotent { get; init; }
}
