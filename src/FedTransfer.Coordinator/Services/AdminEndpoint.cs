using System.Security.Cryptography;
using System.Text;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Runs;
using FedTransfer.Coordinator.Sites;
using Grpc.Core;
using Microsoft.Extensions.Options;
using AdminGrpc = FedTransfer.Contracts.V1.Admin;

namespace FedTransfer.Coordinator;

/// <summary>
/// The central team's fedtransfer.v1.Admin service (protos/fedtransfer/v1/admin.proto). Who may call it (an admin
/// certificate when certificates are required, the admin token when one is set) was decided before a handler runs
/// (<see cref="Security.CallerAuthorization"/>). Split by concern over partial files: artifacts, federations and runs, watching.
/// </summary>
internal sealed partial class AdminEndpoint(
    ArtifactStore store, CatalogStore catalog, RunStore runs, SiteDirectory sites,
    RunControl control, RunEventHub events, IOptions<CoordinatorOptions> options, TimeProvider clock) : AdminGrpc.AdminBase
{
    private CoordinatorOptions Options => options.Value;
    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public override Task<ArtifactRef> UploadArtifact(IAsyncStreamReader<UploadArtifactRequest> requestStream, ServerCallContext context) =>
        UploadAsync(requestStream.ReadAllAsync(context.CancellationToken), context);

    public override Task DownloadArtifact(FetchArtifactRequest request, IServerStreamWriter<ArtifactChunk> responseStream, ServerCallContext context) =>
        ArtifactStreaming.SendAsync(store, request, Options.DefaultChunkSizeBytes, responseStream, context.CancellationToken);

    public override Task<FederationInfo> CreateFederation(CreateFederationRequest request, ServerCallContext context) => CreateFederationAsync(request);

    public override Task<RunInfo> StartRun(StartRunRequest request, ServerCallContext context) => StartRunAsync(request);

    public override Task WatchRun(WatchRunRequest request, IServerStreamWriter<RunEvent> responseStream, ServerCallContext context) =>
        WatchAsync(request, responseStream, context.CancellationToken);

    public override Task<StatusResponse> GetStatus(GetStatusRequest request, ServerCallContext context) => Task.FromResult(StatusOf(request));

    public override Task<ArtifactRef> ExportModel(ExportModelRequest request, ServerCallContext context) => ExportAsync(request, context.CancellationToken);

    public override Task<RunInfo> CancelRun(RunControlRequest request, ServerCallContext context) => Task.FromResult(ToInfo(control.Cancel(request.RunId, request.Reason)));

    public override Task<RunInfo> PauseRun(RunControlRequest request, ServerCallContext context) => Task.FromResult(ToInfo(control.Pause(request.RunId, request.Reason)));

    public override Task<RunInfo> ResumeRun(RunControlRequest request, ServerCallContext context) => Task.FromResult(ToInfo(control.Resume(request.RunId, request.Reason)));

    private async Task<ArtifactRef> UploadAsync(IAsyncEnumerable<UploadArtifactRequest> requests, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await using var messages = requests.GetAsyncEnumerator(ct);
        if (!await messages.MoveNextAsync().ConfigureAwait(false) || messages.Current.PartCase != UploadArtifactRequest.PartOneofCase.Header)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first UploadArtifact message must be the header (total_bytes, optional sha256, media_type, name)"));
        var header = messages.Current.Header;
        if (header.TotalBytes < 0 || header.TotalBytes > Options.MaxArtifactBytes)
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"total_bytes must be between 0 and {Options.MaxArtifactBytes} (Coordinator:MaxArtifactBytes), got {header.TotalBytes}"));
        if (header.Sha256.Length > 0 && !Sha256Digest.IsValid(header.Sha256))
            throw new RpcException(new Status(StatusCode.InvalidArgument, "sha256 must be empty or 64 lowercase hex characters"));
        if (Encoding.UTF8.GetByteCount(header.Name) > 256)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "name must be at most 256 bytes"));
        await using var writer = store.BeginWrite(header.TotalBytes);
        while (await messages.MoveNextAsync().ConfigureAwait(false))
        {
            if (messages.Current.PartCase != UploadArtifactRequest.PartOneofCase.Chunk)
                throw new RpcException(new Status(StatusCode.InvalidArgument, "only chunks may follow the header"));
            try
            {
                await writer.WriteAsync(messages.Current.Chunk.Memory, ct).ConfigureAwait(false);
            }
            catch (ArtifactIntegrityException)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"the upload is longer than the declared {header.TotalBytes} bytes"));
            }
        }
        ArtifactInfo info;
        try
        {
            info = await writer.CommitAsync(header.Sha256.Length > 0 ? header.Sha256 : null, header.TotalBytes, ct).ConfigureAwait(false);
        }
        catch (ArtifactIntegrityException e)
        {
            throw new RpcException(new Status(StatusCode.DataLoss, e.Message));
        }
        var mediaType = header.MediaType.Length > 0 ? header.MediaType : ProtoMapping.SafetensorsMediaType;
        catalog.AddArtifact(new ArtifactRow(info.Digest, info.SizeBytes, mediaType, header.Name, NowMs));
        return ProtoMapping.ToRef(info, mediaType);
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
