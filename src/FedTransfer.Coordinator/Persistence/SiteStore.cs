using Microsoft.Data.Sqlite;

namespace FedTransfer.Coordinator.Persistence;

/// <summary>Joined sites and their sessions.</summary>
internal sealed class SiteStore(CoordinatorDatabase db)
{
    private const string Columns = "site_id, display_name, software_version, device, train_examples, validation_examples, session_id, joined_ms, last_seen_ms";

    /// <summary>Inserts or replaces the site (a re-join gets a new session and new counts).</summary>
    public void Upsert(SiteRow site) => db.Write((c, t) => c.Exec(
        $"INSERT INTO sites ({Columns}) VALUES ($id, $name, $version, $device, $train, $val, $session, $joined, $seen) " +
        "ON CONFLICT(site_id) DO UPDATE SET display_name = $name, software_version = $version, device = $device, " +
        "train_examples = $train, validation_examples = $val, session_id = $session, last_seen_ms = $seen",
        t, ("$id", site.SiteId), ("$name", site.DisplayName), ("$version", site.SoftwareVersion), ("$device", site.Device),
        ("$train", site.TrainExamples), ("$val", site.ValidationExamples), ("$session", site.SessionId),
        ("$joined", site.JoinedMs), ("$seen", site.LastSeenMs)));

    /// <summary>Records when the site was last heard from.</summary>
    public void Touch(string siteId, long nowMs) =>
        db.Write((c, t) => c.Exec("UPDATE sites SET last_seen_ms = $now WHERE site_id = $id", t, ("$now", nowMs), ("$id", siteId)));

    /// <summary>Every site.</summary>
    public IReadOnlyList<SiteRow> All() => db.Read(c => c.Query($"SELECT {Columns} FROM sites ORDER BY site_id", Map));

    private static SiteRow Map(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        r.GetInt64(4), r.GetInt64(5), r.GetString(6), r.GetInt64(7), r.GetInt64(8));
}
