using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Rpc;

namespace FedTransfer.Site.Egress;

/// <summary>The federation service over a gRPC channel; created and owned by <see cref="EgressGateway"/> only.</summary>
internal sealed class GrpcCoordinatorTransport : ICoordinatorTransport
{
    private readonly GrpcChannel _channel;

    public GrpcCoordinatorTransport(GrpcChannel channel) => _channel = channel;

    public Task<JoinResponse> JoinAsync(JoinRequest request, CallOptions options) =>
        _channel.UnaryAsync(FederationService.Join, request, options);

    public Task<PullTaskResponse> PullTaskAsync(PullTaskRequest request, CallOptions options) =>
        _channel.UnaryAsync(FederationService.PullTask, request, options);

    public IAsyncEnumerable<ArtifactChunk> FetchArtifact(FetchArtifactRequest request, CallOptions options) =>
        _channel.ServerStreaming(FederationService.FetchArtifact, request, options);

    public Task<Receipt> PushResultAsync(IAsyncEnumerable<PushResultRequest> requests, CallOptions options) =>
        _channel.ClientStreamingAsync(FederationService.PushResult, requests, options);

    public void Dispose() => _channel.Dispose();
}
