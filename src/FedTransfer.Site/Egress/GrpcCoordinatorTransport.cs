using System.Runtime.CompilerServices;
using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using FederationGrpc = FedTransfer.Contracts.V1.Federation;

namespace FedTransfer.Site.Egress;

/// <summary>
/// The federation service through the generated client on a grpc-dotnet channel; created and owned by
/// <see cref="EgressGateway"/> only. A transfer (download or upload) without a deadline of its own gets
/// <paramref name="transferTimeout"/>, so no call can hang forever.
/// </summary>
internal sealed class GrpcCoordinatorTransport(GrpcChannel channel, TimeSpan transferTimeout) : ICoordinatorTransport
{
    private readonly FederationGrpc.FederationClient _client = new(channel);

    public Task<JoinResponse> JoinAsync(JoinRequest request, CallOptions options) => _client.JoinAsync(request, options).ResponseAsync;

    public Task<PullTaskResponse> PullTaskAsync(PullTaskRequest request, CallOptions options) => _client.PullTaskAsync(request, options).ResponseAsync;

    public async IAsyncEnumerable<ArtifactChunk> FetchArtifact(FetchArtifactRequest request, CallOptions options)
    {
        using var call = _client.FetchArtifact(request, WithTransferDeadline(options));
        await foreach (var chunk in call.ResponseStream.ReadAllAsync(options.CancellationToken).ConfigureAwait(false))
            yield return chunk;
    }

    public Task<Receipt> PushResultAsync(IAsyncEnumerable<PushResultRequest> requests, CallOptions options) =>
        ClientStreaming.SendAsync(_client.PushResult(WithTransferDeadline(options)), requests, options.CancellationToken);

    private CallOptions WithTransferDeadline(CallOptions options) =>
        options.Deadline is null ? options.WithDeadline(DateTime.UtcNow + transferTimeout) : options;

    public void Dispose() => channel.Dispose();
}
