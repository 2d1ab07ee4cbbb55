using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Sites;
using Grpc.Core;

namespace FedTransfer.Coordinator.Security;

/// <summary>
/// The per-object rules for sites, beside the per-method ones of <see cref="CallerAuthorization"/>: a session is used only
/// by the site that opened it; a site fetches only what one of its own tasks names (the backbone and the global adapter
/// of a round it was given), so never another federation's artifacts and never the central team's exports; a site
/// answers only its own tasks. Refusals are PERMISSION_DENIED and logged with the caller.
/// </summary>
internal sealed class SiteObjectAccess(SiteDirectory sites, TaskStore tasks, CallerAuthorization callers)
{
    /// <summary>The site holding <paramref name="sessionId"/>, when that is the calling site.</summary>
    /// <exception cref="RpcException">UNAUTHENTICATED for an unknown session (join again); PERMISSION_DENIED for another site's.</exception>
    public string SiteOfSession(string sessionId, ServerCallContext context)
    {
        var siteId = sites.RequireSession(sessionId, context.GetHttpContext()?.Connection.Id);
        if (CallerIdentity.Of(context) is { } caller && caller.Name != siteId)
            throw callers.Refuse(context, StatusCode.PermissionDenied, $"this session belongs to site '{siteId}', not to '{caller.Name}'; join with your own certificate");
        return siteId;
    }

    /// <summary>Refuses an artifact that none of the site's tasks names.</summary>
    public void RequireNamedByOwnTask(string siteId, string digest, ServerCallContext context)
    {
        if (!tasks.NamesArtifact(siteId, digest))
            throw callers.Refuse(context, StatusCode.PermissionDenied,
                $"artifact {Shorten(digest)} is not named by any task of site '{siteId}'; a site may fetch only the backbone and global adapter its own tasks name");
    }

    /// <summary>Refuses a result for a task given to another site.</summary>
    public void RequireOwnTask(TaskRow task, string siteId, ServerCallContext context)
    {
        if (task.SiteId != siteId)
            throw callers.Refuse(context, StatusCode.PermissionDenied, $"task {task.TaskId} was given to another site, not to '{siteId}'; answer only your own tasks");
    }

    private static string Shorten(string digest) => digest.Length <= 16 ? $"'{digest}'" : digest[..16] + "…";
}
