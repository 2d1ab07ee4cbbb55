using FedTransfer.Contracts.V1;
using Grpc.Core;

namespace FedTransfer.Site.Egress;

/// <summary>
/// The four calls of the federation service, as the wire carries them. Only <see cref="EgressGateway"/> holds one:
/// it is never registered for injection, so no other part of the site can send anything past the gateway's checks.
/// </summary>
internal interface ICoordinatorTransport : IDisposable
{
    /// <summary>Opens a session.</summary>
    Task<JoinResponse> JoinAsync(JoinRequest request, CallOptions options);

    /// <summary>Long-polls for the next instruction.</summary>
    Task<PullTaskResponse> PullTaskAsync(PullTaskRequest request, CallOptions options);

    /// <summary>Streams an artifact's chunks.</summary>
    IAsyncEnumerable<ArtifactChunk> FetchArtifact(FetchArtifactRequest request, CallOptions options);

    /// <summary>Uploads a result (header, then chunks) and returns the receipt.</summary>
    Task<Receipt> PushResultAsync(IAsyncEnumerable<PushResultRequest> requests, CallOptions options);
}
