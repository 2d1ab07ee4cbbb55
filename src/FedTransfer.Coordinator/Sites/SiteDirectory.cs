using System.Collections.Concurrent;
using System.Security.Cryptography;
using FedTransfer.Coordinator.Persistence;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator.Sites;

/// <summary>
/// Joined sites, their sessions and when they were last heard from. Persisted on join (sessions survive a coordinator
/// restart, so sites carry on without re-joining); liveness is kept in memory and written back at most every few seconds.
/// </summary>
internal sealed class SiteDirectory
{
    private static readonly TimeSpan PersistEvery = TimeSpan.FromSeconds(10);
    private readonly SiteStore _store;
    private readonly TimeProvider _clock;
    private readonly CoordinatorOptions _options;
    private readonly SitePresence _presence;
    private readonly ConcurrentDictionary<string, SiteRow> _sites = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastSeen = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SiteDirectory(SiteStore store, TimeProvider clock, IOptions<CoordinatorOptions> options, SitePresence? presence = null)
    {
        _presence = presence ?? new SitePresence();
        _store = store;
        _clock = clock;
        _options = options.Value;
        foreach (var site in store.All())
        {
            _sites[site.SiteId] = site;
            _sessions[site.SessionId] = site.SiteId;
            _lastSeen[site.SiteId] = site.LastSeenMs;
        }
    }

    private long NowMs => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Registers (or re-registers) a site with a fresh session; the previous session ends.</summary>
    public SiteRow Join(string siteId, string displayName, string softwareVersion, string device, long trainExamples, long validationExamples)
    {
        var now = NowMs;
        var session = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var joinedMs = _sites.TryGetValue(siteId, out var previous) ? previous.JoinedMs : now;
        var row = new SiteRow(siteId, displayName, softwareVersion, device, trainExamples, validationExamples, session, joinedMs, now);
        _store.Upsert(row);
        if (previous is not null) _sessions.TryRemove(previous.SessionId, out _);
        _sites[siteId] = row;
        _sessions[session] = siteId;
        _lastSeen[siteId] = now;
        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        return row;
    }

    /// <summary>The display name the site <paramref name="siteId"/> last joined with, or null for a site never seen.</summary>
    public string? DisplayNameOf(string siteId) => _sites.TryGetValue(siteId, out var row) ? row.DisplayName : null;

    /// <summary>The site holding <paramref name="sessionId"/> (whether the caller may use it is <see cref="Security.SiteObjectAccess"/>'s rule).</summary>
    /// <exception cref="RpcException">UNAUTHENTICATED for an unknown session: join again.</exception>
    /// <param name="connectionId">The connection the call came on (Kestrel's id), so the site's presence follows it.</param>
    public string RequireSession(string sessionId, string? connectionId = null)
    {
        if (string.IsNullOrEmpty(sessionId) || !_sessions.TryGetValue(sessionId, out var siteId))
            throw new RpcException(new Status(StatusCode.Unauthenticated, "unknown or expired session_id: call Join again"));
        if (connectionId is not null) _presence.Bind(siteId, connectionId);
        Touch(siteId);
        return siteId;
    }

    /// <summary>Notes that the site is alive.</summary>
    public void Touch(string siteId)
    {
        var now = NowMs;
        var before = _lastSeen.TryGetValue(siteId, out var seen) ? seen : 0;
        _lastSeen[siteId] = now;
        if (now - before >= PersistEvery.TotalMilliseconds) _store.Touch(siteId, now);
    }

    /// <summary>
    /// Whether the site is alive: while its connection is watched, exactly whether that connection is open (a killed
    /// site is offline the moment its connection drops, a silent network within the keepalive ping delay plus timeout);
    /// otherwise (since a coordinator restart, before the site called again) whether it was heard from within the
    /// liveness window.
    /// </summary>
    public bool IsOnline(string siteId) =>
        _presence.IsConnected(siteId) ?? (_lastSeen.TryGetValue(siteId, out var seen) && NowMs - seen <= _options.SiteLivenessSeconds * 1000L);

    /// <summary>Sites heard from within the liveness window.</summary>
    public IReadOnlyList<SiteRow> Online() => _sites.Values.Where(s => IsOnline(s.SiteId)).OrderBy(s => s.SiteId, StringComparer.Ordinal).ToArray();

    /// <summary>Every known site with its last-seen time.</summary>
    public IReadOnlyList<(SiteRow Site, long LastSeenMs)> All() =>
        _sites.Values.OrderBy(s => s.SiteId, StringComparer.Ordinal).Select(s => (s, _lastSeen.GetValueOrDefault(s.SiteId))).ToArray();

    /// <summary>Completes when a site joins, or after <paramref name="timeout"/>.</summary>
    public async Task WaitForJoinAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _changed).Task.WaitAsync(timeout, _clock, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nobody joined: the caller re-checks availability anyway.
        }
    }
}
