using FedTransfer.Contracts.V1;
using FedTransfer.Rpc;

namespace FedTransfer.Contracts;

/// <summary>
/// Method descriptors of the central team's <c>fedtransfer.v1.Admin</c> service (protos/fedtransfer/v1/admin.proto),
/// shared by the coordinator (which maps them) and the CLI (which calls them).
/// </summary>
public static class AdminService
{
    /// <summary>The fully qualified gRPC service name.</summary>
    public const string ServiceName = "fedtransfer.v1.Admin";

    /// <summary>Stores an artifact sent as a header plus chunks; answers its digest.</summary>
    public static readonly Method<UploadArtifactRequest, ArtifactRef> UploadArtifact =
        new(MethodType.ClientStreaming, ServiceName, "UploadArtifact", UploadArtifactRequest.Parser, ArtifactRef.Parser);

    /// <summary>Streams any stored artifact's bytes by digest, from a byte offset.</summary>
    public static readonly Method<FetchArtifactRequest, ArtifactChunk> DownloadArtifact =
        new(MethodType.ServerStreaming, ServiceName, "DownloadArtifact", FetchArtifactRequest.Parser, ArtifactChunk.Parser);

    /// <summary>Registers a federation (backbone, adapter spec, task spec, initial adapter).</summary>
    public static readonly Method<CreateFederationRequest, FederationInfo> CreateFederation =
        new(MethodType.Unary, ServiceName, "CreateFederation", CreateFederationRequest.Parser, FederationInfo.Parser);

    /// <summary>Starts a run of rounds on a federation.</summary>
    public static readonly Method<StartRunRequest, RunInfo> StartRun =
        new(MethodType.Unary, ServiceName, "StartRun", StartRunRequest.Parser, RunInfo.Parser);

    /// <summary>Streams a run's events (replayed, then live) until the run ends.</summary>
    public static readonly Method<WatchRunRequest, RunEvent> WatchRun =
        new(MethodType.ServerStreaming, ServiceName, "WatchRun", WatchRunRequest.Parser, RunEvent.Parser);

    /// <summary>Sites, federations and runs at a glance.</summary>
    public static readonly Method<GetStatusRequest, StatusResponse> GetStatus =
        new(MethodType.Unary, ServiceName, "GetStatus", GetStatusRequest.Parser, StatusResponse.Parser);

    /// <summary>Produces the run's adapter (or merged model) as a downloadable artifact.</summary>
    public static readonly Method<ExportModelRequest, ArtifactRef> ExportModel =
        new(MethodType.Unary, ServiceName, "ExportModel", ExportModelRequest.Parser, ArtifactRef.Parser);
}
