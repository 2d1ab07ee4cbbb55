namespace FedTransfer.Coordinator;

/// <summary>The chunk size limits of the contract (see common.proto FetchArtifactRequest).</summary>
public static class ArtifactChunking
{
    /// <summary>Smallest chunk a client may ask for.</summary>
    public const int MinChunkBytes = 4096;

    /// <summary>Largest chunk: 3 MiB, so a chunk always fits the 4 MiB default message limit.</summary>
    public const int MaxChunkBytes = Contracts.WireLimits.MaxChunkBytes;

    /// <summary>The default chunk size, 1 MiB.</summary>
    public const int DefaultChunkBytes = Contracts.WireLimits.DefaultChunkBytes;

    /// <summary>The chunk size to use for a request: the default for 0, else the requested size when within limits.</summary>
    /// <exception cref="ArgumentException">Outside [MinChunkBytes, MaxChunkBytes]; the message is the caller's one line (no parameter name appended).</exception>
    public static int Resolve(int requested, int defaultSize) => requested == 0
        ? defaultSize
        : requested is >= MinChunkBytes and <= MaxChunkBytes
            ? requested
            : throw new ArgumentException($"chunk_size_bytes must be 0 (default) or between {MinChunkBytes} and {MaxChunkBytes}, got {requested}");
}
