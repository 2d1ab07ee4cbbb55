using System.Reflection;
using System.Text;
using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Runs;
using FedTransfer.Coordinator.Security;
using FedTransfer.Coordinator.Sites;
using FedTransfer.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator;

/// <summary>The site-facing fedtransfer.v1.Federation service (protos/fedtransfer/v1/federation.proto).</summary>
internal sealed class FederationEndpoint(
    SiteDirectory sites, TaskMailbox mailbox, ArtifactStore store, RunStore runs, ResultIntake intake, DownloadSlots downloads,
    CallerAuthorization callers, IOptions<CoordinatorOptions> options, ILogger<FederationEndpoint> log)
{
    /// <summary>This coordinator's version, as sites see it.</summary>
    public static string Version { get; } =
        typeof(FederationEndpoint).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    // Every method checks the caller's certificate first (callers.SiteOf), before reading anything it sent.
    public void Map(GrpcServiceBuilder service) => service
        .Unary(FederationService.Join, (r, c) => JoinAsync(r, c, callers.SiteOf(c)))
        .Unary(FederationService.PullTask, (r, c) => { callers.SiteOf(c); return PullTaskAsync(r, c); })
        .ServerStreaming(FederationService.FetchArtifact, (r, w, c) => { callers.SiteOf(c); return FetchArtifactAsync(r, w, c); })
        .ClientStreaming(FederationService.PushResult, (r, c) => { callers.SiteOf(c); return intake.PushAsync(r, c); });

    private Task<JoinResponse> JoinAsync(JoinRequest request, ServerCallContext context, string? certifiedSiteId)
    {
        var name = request.DisplayName?.Trim() ?? "";
        if (name.Length == 0 || Encoding.UTF8.GetByteCount(name) > 128)
            throw new RpcException(StatusCode.InvalidArgument, "display_name must be 1..128 bytes");
        if (Encoding.UTF8.GetByteCount(request.SoftwareVersion ?? "") > 64)
            throw new RpcException(StatusCode.InvalidArgument, "software_version must be at most 64 bytes");
        var counts = request.ExampleCounts ?? new ExampleCounts();
        if (counts.Train < 0 || counts.Validation < 0)
            throw new RpcException(StatusCode.InvalidArgument, $"example counts must not be negative (train {counts.Train}, validation {counts.Validation})");
        var siteId = certifiedSiteId ?? InsecureSiteId(name);
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
            throw new RpcException(StatusCode.AlreadyExists,
                $"display name '{name}' gives the development identity '{siteId}', which the site named '{holder}' already holds; " +
                "give each site a distinct name of letters, digits, '.', '_' and '-'");
        return siteId;
    }

    private async Task<PullTaskResponse> PullTaskAsync(PullTaskRequest request, ServerCallContext context)
    {
        var siteId = sites.RequireSession(request.SessionId, context);
        if (request.MaxWaitMs < 0) throw new RpcException(StatusCode.InvalidArgument, $"max_wait_ms must not be negative, got {request.MaxWaitMs}");
        if (options.Value.StopSitesWhenIdle && mailbox.PendingFor(siteId) == 0 && IsIdle())
            return new PullTaskResponse { Stop = new StopInstruction { Reason = "no run is active and the coordinator is configured to stop idle sites" } };
        var wait = TimeSpan.FromMilliseconds(Math.Min(request.MaxWaitMs, options.Value.MaxPullWaitMs));
        if (context.Deadline is { } deadline)
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

    private Task FetchArtifactAsync(FetchArtifactRequest request, IServerStreamWriter<ArtifactChunk> writer, ServerCallContext context)
    {
        sites.RequireSession(request.SessionId, context);
        return downloads.RunAsync(() => ArtifactStreaming.SendAsync(store, request, options.Value.DefaultChunkSizeBytes, writer, context.CancellationToken),
            context.CancellationToken);
    }
}
