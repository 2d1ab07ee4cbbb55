using System.Security.Cryptography;
using System.Text;
using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Runs;
using FedTransfer.Coordinator.Security;
using FedTransfer.Coordinator.Sites;
using FedTransfer.Rpc;
using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator;

/// <summary>
/// The central team's fedtransfer.v1.Admin service (protos/fedtransfer/v1/admin.proto). Every call is checked against
/// the caller's certificate (an admin's, when certificates are required) and the configured admin token first. Split by concern over partial files: artifacts, federations and runs, watching.
/// </summary>
internal sealed partial class AdminEndpoint(
    ArtifactStore store, CatalogStore catalog, RunStore runs, SiteDirectory sites,
    RunOrchestrator orchestrator, RunEventHub events, CallerAuthorization callers, IOptions<CoordinatorOptions> options, TimeProvider clock)
{
    private CoordinatorOptions Options => options.Value;
    private long NowMs => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public void Map(GrpcServiceBuilder service) => service
        .ClientStreaming(AdminService.UploadArtifact, (r, c) => Authorized(c, () => UploadAsync(r, c)))
        .ServerStreaming(AdminService.DownloadArtifact, (r, w, c) => Authorized(c, () => ArtifactStreaming.SendAsync(store, r, Options.DefaultChunkSizeBytes, w, c.CancellationToken)))
        .Unary(AdminService.CreateFederation, (r, c) => Authorized(c, () => CreateFederationAsync(r)))
        .Unary(AdminService.StartRun, (r, c) => Authorized(c, () => StartRunAsync(r)))
        .ServerStreaming(AdminService.WatchRun, (r, w, c) => Authorized(c, () => WatchAsync(r, w, c.CancellationToken)))
        .Unary(AdminService.GetStatus, (r, c) => Authorized(c, () => Task.FromResult(Status(r))))
        .Unary(AdminService.ExportModel, (r, c) => Authorized(c, () => ExportAsync(r, c.CancellationToken)));

    private Task<T> Authorized<T>(ServerCallContext context, Func<Task<T>> handler)
    {
        RequireAdmin(context);
        return handler();
    }

    private Task Authorized(ServerCallContext context, Func<Task> handler)
    {
        RequireAdmin(context);
        return handler();
    }

    private void RequireAdmin(ServerCallContext context)
    {
        callers.RequireAdmin(context);
        if (Options.AdminToken.Length == 0) return;
        context.RequestHeaders.TryGetValue("authorization", out var header);
        var expected = Encoding.UTF8.GetBytes("Bearer " + Options.AdminToken);
        if (header is null || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), expected))
            throw new RpcException(StatusCode.Unauthenticated, "Admin calls need the header 'authorization: Bearer <token>' with the coordinator's admin token");
    }

    private async Task<ArtifactRef> UploadAsync(IAsyncEnumerable<UploadArtifactRequest> requests, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        await using var messages = requests.GetAsyncEnumerator(ct);
        if (!await messages.MoveNextAsync().ConfigureAwait(false) || messages.Current.PartCase != UploadArtifactRequest.PartOneofCase.Header)
            throw new RpcException(StatusCode.InvalidArgument, "the first UploadArtifact message must be the header (total_bytes, optional sha256, media_type, name)");
        var header = messages.Current.Header;
        if (header.TotalBytes < 0 || header.TotalBytes > Options.MaxArtifactBytes)
            throw new RpcException(StatusCode.ResourceExhausted, $"total_bytes must be between 0 and {Options.MaxArtifactBytes} (Coordinator:MaxArtifactBytes), got {header.TotalBytes}");
        if (header.Sha256.Length > 0 && !Sha256Digest.IsValid(header.Sha256))
            throw new RpcException(StatusCode.InvalidArgument, "sha256 must be empty or 64 lowercase hex characters");
        if (Encoding.UTF8.GetByteCount(header.Name) > 256)
            throw new RpcException(StatusCode.InvalidArgument, "name must be at most 256 bytes");
        await using var writer = store.BeginWrite(header.TotalBytes);
        while (await messages.MoveNextAsync().ConfigureAwait(false))
        {
            if (messages.Current.PartCase != UploadArtifactRequest.PartOneofCase.Chunk)
                throw new RpcException(StatusCode.InvalidArgument, "only chunks may follow the header");
            try
            {
                await writer.WriteAsync(messages.Current.Chunk.Memory, ct).ConfigureAwait(false);
            }
            catch (ArtifactIntegrityException)
            {
                throw new RpcException(StatusCode.InvalidArgument, $"the upload is longer than the declared {header.TotalBytes} bytes");
            }
        }
        ArtifactInfo info;
        try
        {
            info = await writer.CommitAsync(header.Sha256.Length > 0 ? header.Sha256 : null, header.TotalBytes, ct).ConfigureAwait(false);
        }
        catch (ArtifactIntegrityException e)
        {
            throw new RpcException(StatusCode.DataLoss, e.Message);
        }
        var mediaType = header.MediaType.Length > 0 ? header.MediaType : ProtoMapping.SafetensorsMediaType;
        catalog.AddArtifact(new ArtifactRow(info.Digest, info.SizeBytes, mediaType, header.Name, NowMs));
        return ProtoMapping.ToRef(info, mediaType);
    }

    private static RpcException Invalid(string message) => new(StatusCode.InvalidArgument, message);
}
