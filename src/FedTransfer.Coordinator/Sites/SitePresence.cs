namespace FedTransfer.Coordinator.Sites;

/// <summary>
/// Which sites hold an open connection to the coordinator right now. A site's connection stays open while it trains
/// (its channel never closes an idle connection, and the coordinator's HTTP/2 keepalive pings keep checking it), so an
/// open connection means the site is alive even when it has not called for minutes; a site killed outright drops its
/// connection at once, and one whose network vanished stops answering pings and loses it within the ping delay plus
/// timeout. Kestrel reports connections opening and closing (<see cref="KestrelListener"/>); each site call binds its
/// site to the connection it came on.
/// </summary>
internal sealed class SitePresence
{
    private readonly object _gate = new();
    private readonly Dictionary<string, HashSet<string>> _sitesByConnection = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _connectionsBySite = new(StringComparer.Ordinal);
    private readonly HashSet<string> _watched = new(StringComparer.Ordinal);

    public void ConnectionOpened(string connectionId)
    {
        lock (_gate) _sitesByConnection.TryAdd(connectionId, new HashSet<string>(StringComparer.Ordinal));
    }

    /// <summary>Notes that <paramref name="siteId"/> calls over <paramref name="connectionId"/> (idempotent).</summary>
    public void Bind(string siteId, string connectionId)
    {
        lock (_gate)
        {
            // A connection Kestrel never reported (an in-memory test server) cannot be watched: time alone judges that site.
            if (!_sitesByConnection.TryGetValue(connectionId, out var sites) || !sites.Add(siteId)) return;
            _connectionsBySite[siteId] = _connectionsBySite.GetValueOrDefault(siteId) + 1;
            _watched.Add(siteId);
        }
    }

    public void ConnectionClosed(string connectionId)
    {
        lock (_gate)
        {
            if (!_sitesByConnection.Remove(connectionId, out var sites)) return;
            foreach (var site in sites)
            {
                var left = _connectionsBySite[site] - 1;
                if (left > 0) _connectionsBySite[site] = left;
                else _connectionsBySite.Remove(site);
            }
        }
    }

    /// <summary>
    /// True or false when the site has called over a connection this process watches: whether one is open now. Null for a
    /// site not seen on a watched connection since the coordinator started (its liveness then goes by time alone).
    /// </summary>
    public bool? IsConnected(string siteId)
    {
        lock (_gate) return _watched.Contains(siteId) ? _connectionsBySite.ContainsKey(siteId) : null;
    }
}
