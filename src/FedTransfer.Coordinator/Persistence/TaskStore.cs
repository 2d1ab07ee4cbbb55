using Microsoft.Data.Sqlite;

namespace FedTransfer.Coordinator.Persistence;

/// <summary>Tasks and the results received for them. A task has at most one result: the first one recorded stands.</summary>
internal sealed class TaskStore(CoordinatorDatabase db)
{
    private const string TaskColumns = "task_id, run_id, round, kind, site_id, config, created_ms";
    private const string UpdateColumns = "task_id, run_id, round, kind, site_id, digest, size_bytes, examples, metrics, outcome, reason, received_ms";

    public TaskRow? Find(string taskId) => db.Read(c => c.Query($"SELECT {TaskColumns} FROM tasks WHERE task_id = $id", MapTask, null, ("$id", taskId)).SingleOrDefault());

    public IReadOnlyList<TaskRow> ForRound(string runId, int round, string kind) => db.Read(c => c.Query(
        $"SELECT {TaskColumns} FROM tasks WHERE run_id = $id AND round = $r AND kind = $k ORDER BY site_id", MapTask, null, ("$id", runId), ("$r", round), ("$k", kind)));

    public UpdateRow? FindUpdate(string taskId) => db.Read(c => c.Query($"SELECT {UpdateColumns} FROM updates WHERE task_id = $id", MapUpdate, null, ("$id", taskId)).SingleOrDefault());

    public IReadOnlyList<UpdateRow> UpdatesForRound(string runId, int round, string kind) => db.Read(c => c.Query(
        $"SELECT {UpdateColumns} FROM updates WHERE run_id = $id AND round = $r AND kind = $k ORDER BY received_ms, task_id", MapUpdate, null, ("$id", runId), ("$r", round), ("$k", kind)));

    /// <summary>Sites with a result of run <paramref name="runId"/> recorded with exactly <paramref name="reason"/> (e.g. a privacy-budget decline).</summary>
    public IReadOnlySet<string> SitesWithReason(string runId, string reason) => db.Read(c => c.Query(
        "SELECT DISTINCT site_id FROM updates WHERE run_id = $id AND reason = $r", r => r.GetString(0), null, ("$id", runId), ("$r", reason)))
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Whether a task given to <paramref name="siteId"/> names the artifact: its federation's backbone, or the global
    /// adapter its round started from (what a train or evaluate task carries).
    /// </summary>
    public bool NamesArtifact(string siteId, string digest) => db.Read(c => c.Query(
        """
        SELECT 1 FROM tasks t
        JOIN runs r ON r.run_id = t.run_id
        JOIN federations f ON f.federation_id = r.federation_id
        LEFT JOIN rounds d ON d.run_id = t.run_id AND d.round = t.round AND d.kind = t.kind
        WHERE t.site_id = $s AND (f.backbone_digest = $d OR d.global_in_digest = $d)
        LIMIT 1
        """, _ => true, null, ("$s", siteId), ("$d", digest)).Count > 0);

    /// <summary>Records a result unless the task already has one; returns the row that stands (the first).</summary>
    public UpdateRow InsertUpdate(UpdateRow u) => db.Write((c, t) =>
    {
        c.Exec($"INSERT OR IGNORE INTO updates ({UpdateColumns}) VALUES ($id, $run, $r, $k, $s, $d, $n, $e, $m, $o, $why, $t)", t,
            ("$id", u.TaskId), ("$run", u.RunId), ("$r", u.Round), ("$k", u.Kind), ("$s", u.SiteId), ("$d", u.Digest), ("$n", u.SizeBytes),
            ("$e", u.Examples), ("$m", u.MetricsJson), ("$o", u.Outcome), ("$why", u.Reason), ("$t", u.ReceivedMs));
        return c.Query($"SELECT {UpdateColumns} FROM updates WHERE task_id = $id", MapUpdate, t, ("$id", u.TaskId)).Single();
    });

    /// <summary>Turns a recorded result into a rejection (its payload was lost before its round used it).</summary>
    public void Reject(string taskId, string reason) => db.Write((c, t) =>
        c.Exec("UPDATE updates SET outcome = 'rejected', reason = $r WHERE task_id = $id", t, ("$r", reason), ("$id", taskId)));

    private static TaskRow MapTask(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6));

    private static UpdateRow MapUpdate(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetString(3), r.GetString(4),
        r.GetString(5), r.GetInt64(6), r.GetInt64(7), r.GetString(8), r.GetString(9), r.GetString(10), r.GetInt64(11));
}
