using System.Reflection;
using System.Text;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Runs;
using FedTransfer.Coordinator.Security;
using FedTransfer.Coordinator.Sites;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using FederationGrpc = FedTransfer.Contracts.V1.Federation;

namespace FedTransfer.Coordinator;

/// <summary>
/// The site-facing fedtransfer.v1.Federation service (protos/fedtransfer/v1/federation.proto). Who may call it was decided
/// before a handler runs (<see cref="CallerAuthorization"/>); which session, artifact and task a site may use is
/// <see cref="SiteObjectAccess"/>'s rule.
/// </summary>
internal sealed class FederationEndpoint(
    SiteDirectory sites, TaskMailbox mailbox, ArtifactStore store, RunStore runs, ResultIntake intake, DownloadSlots downloads,
    SiteObjectAccess access, IOptions<CoordinatorOptions> options, ILogger<FederationEndpoint> log) : FederationGrpc.FederationBase
{
    /// <summary>This coordinator's version, as sites see it.</summary>
    public static string Version { get; } =
        typeof(FederationEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public override Task<JoinResponse> Join(JoinRequest request, ServerCallContext context)
    {
        var name = request.DisplayName?.Trim() ?? "";
        if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > 128)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "display_name must be 1..128 bytes"));
        if (Encoding.UTF8.GetByteCount(request.SoftwareVersion ?? "") > 64)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "software_version must be at most 64 bytes"));
        var counts = request.ExampleCounts ?? new ExampleCounts();
        if (counts.Train < 0 || counts.Validation < 0)
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"example counts must not be negative (train {counts.Train}, validation {counts.Validation})"));
        var siteId = CallerIdentity.Of(context)?.Name ?? InsecureSiteId(name);
        var device = request.Device?.Device ?? "";
        var row = sites.Join(siteId, name, request.SoftwareVersion ?? "", device, counts.Train, counts.Validation);
        CoordinatorLog.SiteJoined(log, siteId, name, counts.Train, counts.Validation, device);
        return Task.FromResult(new JoinResponse
        {
            SiteId = row.SiteId, SessionId = row.SessionId, CoordinatorVersion = Version, SuggestedPollMs = options.Value.MaxPullWaitMs,
        });
    }

    /// <summary>
    /// A development identity, refused when another display name already maps onto it ('site a' and 'site_a' both give
    /// name-site_a): a second site must never silently end the first one's session and take over its tasks.
    /// </summary>
    private string InsecureSiteId(string name)
    {
        var siteId = SiteIdentity.Insecure(name, options.Value.AllowInsecureSiteIdentity);
        if (sites.DisplayNameOf(siteId) is { } holder && !string.Equals(holder, name, StringComparison.Ordinal))
            throw new RpcException(new Status(StatusCode.AlreadyExists,
                $"display name '{name}' gives the development identity '{siteId}', which the site named '{holder}' already holds; " +
                "give each site a distinct name of letters, digits, '.', '_' and '-'"));
        return siteId;
    }

    public override async Task<PullTaskResponse> PullTask(PullTaskRequest request, ServerCallContext context)
    {
        var siteId = access.SiteOfSession(request.SessionId, context);
        if (request.MaxWaitMs < 0) throw new RpcException(new Status(StatusCode.InvalidArgument, $"max_wait_ms must not be negative, got {request.MaxWaitMs}"));
        if (options.Value.StopSitesWhenIdle && mailbox.PendingFor(siteId) == 0 && IsIdle())
            return new PullTaskResponse { Stop = new StopInstruction { Reason = "no run is active and the coordinator is configured to stop idle sites" } };
        var wait = TimeSpan.FromMilliseconds(Math.Min(request.MaxWaitMs, options.Value.MaxPullWaitMs));
        if (context.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            // Answer before the caller gives up, leaving a margin for the reply to travel.
            var untilDeadline = deadline - DateTime.UtcNow - TimeSpan.FromMilliseconds(500);
            if (untilDeadline < wait) wait = untilDeadline < TimeSpan.Zero ? TimeSpan.Zero : untilDeadline;
        }
        PullTaskResponse? task;
        try
        {
            task = await mailbox.TakeAsync(siteId, wait, context.CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            sites.Touch(siteId);
        }
        return task ?? new PullTaskResponse
        {
            Wait = new WaitInstruction { RetryAfterMs = wait == TimeSpan.Zero ? 1000 : 0, Reason = "no task for this site right now" },
        };
    }

    private bool IsIdle()
    {
        var all = runs.All();
        return all.Count > 0 && all.All(r => r.State != RowValues.Running);
    }

    public override Task<Receipt> PushResult(IAsyncStreamReader<PushResultRequest> requestStream, ServerCallContext context) =>
        intake.PushAsync(requestStream.ReadAllAsync(context.CancellationToken), context);

    public override Task FetchArtifact(FetchArtifactRequest request, IServerStreamWriter<ArtifactChunk> responseStream, ServerCallContext context)
    {
        var siteId = access.SiteOfSession(request.SessionId, context);
        ArtifactStreaming.RequireDigest(request.Digest);
        access.RequireNamedByOwnTask(siteId, request.Digest, context);
        var writer = responseStream;
        return downloads.RunAsync(() => ArtifactStreaming.SendAsync(store, request, options.Value.DefaultChunkSizeBytes, writer, context.CancellationToken),
            context.CancellationToken);
    }
}
