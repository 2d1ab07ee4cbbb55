using FedTransfer.Contracts.V1;
using FedTransfer.Rpc;

namespace FedTransfer.Contracts;

/// <summary>
/// Method descriptors of the site-facing <c>fedtransfer.v1.Federation</c> service (protos/fedtransfer/v1/federation.proto),
/// shared by the coordinator (which maps them) and the site (which calls them).
/// </summary>
public static class FederationService
{
    /// <summary>The fully qualified gRPC service name.</summary>
    public const string ServiceName = "fedtransfer.v1.Federation";

    /// <summary>Registers or re-registers the calling site and opens a session.</summary>
    public static readonly Method<JoinRequest, JoinResponse> Join =
        new(MethodType.Unary, ServiceName, "Join", JoinRequest.Parser, JoinResponse.Parser);

    /// <summary>Long-poll for the next instruction (train, evaluate, wait, stop).</summary>
    public static readonly Method<PullTaskRequest, PullTaskResponse> PullTask =
        new(MethodType.Unary, ServiceName, "PullTask", PullTaskRequest.Parser, PullTaskResponse.Parser);

    /// <summary>Streams an artifact's bytes by digest, from a byte offset.</summary>
    public static readonly Method<FetchArtifactRequest, ArtifactChunk> FetchArtifact =
        new(MethodType.ServerStreaming, ServiceName, "FetchArtifact", FetchArtifactRequest.Parser, ArtifactChunk.Parser);

    /// <summary>Uploads a task result (header, then payload chunks) and answers a receipt.</summary>
    public static readonly Method<PushResultRequest, Receipt> PushResult =
        new(MethodType.ClientStreaming, ServiceName, "PushResult", PushResultRequest.Parser, Receipt.Parser);
}
