using FedTransfer.Contracts.V1;

namespace FedTransfer.Site.Artifacts;

/// <summary>Where artifact bytes come from: the coordinator, through the egress gateway (or a fake in tests).</summary>
internal interface IArtifactSource
{
    /// <summary>Streams the artifact's bytes from <paramref name="offset"/> to its end, in order.</summary>
    IAsyncEnumerable<ArtifactChunk> FetchAsync(string digest, long offset, CancellationToken ct);
}
