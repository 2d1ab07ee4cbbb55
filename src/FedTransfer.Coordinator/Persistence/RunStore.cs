using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace FedTransfer.Coordinator.Persistence;

/// <summary>
/// Runs, their rounds and their global adapter versions. Every state change that must survive a crash together
/// (a round's tasks; a round's result with the run's progress) is one transaction.
/// </summary>
internal sealed class RunStore(CoordinatorDatabase db)
{
    private const string RunColumns = "run_id, federation_id, state, settings, completed_rounds, current_adapter_digest, failure_reason, created_ms";
    private const string RoundColumns = "run_id, round, kind, state, sampled, global_in_digest, global_out_digest, metrics, failure_reason, started_ms, ended_ms";

    /// <summary>Creates a running run whose round-0 adapter is the federation's initial adapter.</summary>
    public void Insert(RunRow run, long initialAdapterBytes) => db.Write((c, t) =>
    {
        c.Exec($"INSERT INTO runs ({RunColumns}) VALUES ($id, $f, $s, $set, 0, $a, '', $t)", t,
            ("$id", run.RunId), ("$f", run.FederationId), ("$s", run.State), ("$set", run.Settings), ("$a", run.CurrentAdapterDigest), ("$t", run.CreatedMs));
        c.Exec("INSERT INTO adapter_versions (run_id, round, digest, size_bytes, created_ms) VALUES ($id, 0, $a, $n, $t)", t,
            ("$id", run.RunId), ("$a", run.CurrentAdapterDigest), ("$n", initialAdapterBytes), ("$t", run.CreatedMs));
    });

    public RunRow? Find(string runId) => db.Read(c => c.Query($"SELECT {RunColumns} FROM runs WHERE run_id = $id", MapRun, null, ("$id", runId)).SingleOrDefault());

    public IReadOnlyList<RunRow> All() => db.Read(c => c.Query($"SELECT {RunColumns} FROM runs ORDER BY created_ms, run_id", MapRun));

    public IReadOnlyList<RunRow> Running() => db.Read(c => c.Query($"SELECT {RunColumns} FROM runs WHERE state = 'running' ORDER BY created_ms", MapRun));

    /// <summary>The global adapter after <paramref name="round"/> (0 = initial).</summary>
    public (string Digest, long SizeBytes)? AdapterVersion(string runId, int round) => db.Read(c => c.Query(
        "SELECT digest, size_bytes FROM adapter_versions WHERE run_id = $id AND round = $r",
        r => (r.GetString(0), r.GetInt64(1)), null, ("$id", runId), ("$r", round)).Cast<(string, long)?>().SingleOrDefault());

    /// <summary>Opens a round and creates its tasks, atomically.</summary>
    public void OpenRound(RoundRow round, IReadOnlyList<TaskRow> tasks) => db.Write((c, t) =>
    {
        c.Exec($"INSERT INTO rounds ({RoundColumns}) VALUES ($id, $r, $k, 'open', $s, $g, '', '{{}}', '', $t, 0)", t,
            ("$id", round.RunId), ("$r", round.Round), ("$k", round.Kind), ("$s", JsonSerializer.Serialize(round.Sampled)),
            ("$g", round.GlobalInDigest), ("$t", round.StartedMs));
        foreach (var task in tasks)
        {
            c.Exec("INSERT INTO tasks (task_id, run_id, round, kind, site_id, config, created_ms) VALUES ($id, $run, $r, $k, $s, $c, $t)", t,
                ("$id", task.TaskId), ("$run", task.RunId), ("$r", task.Round), ("$k", task.Kind), ("$s", task.SiteId), ("$c", task.ConfigJson), ("$t", task.CreatedMs));
        }
    });

    public RoundRow? FindRound(string runId, int round, string kind) => db.Read(c => c.Query(
        $"SELECT {RoundColumns} FROM rounds WHERE run_id = $id AND round = $r AND kind = $k", MapRound, null,
        ("$id", runId), ("$r", round), ("$k", kind)).SingleOrDefault());

    public IReadOnlyList<RoundRow> Rounds(string runId) => db.Read(c => c.Query(
        $"SELECT {RoundColumns} FROM rounds WHERE run_id = $id ORDER BY round, kind DESC", MapRound, null, ("$id", runId)));

    /// <summary>
    /// Closes a train round with its new global adapter (and the strategy's server state artifact, "" when it keeps
    /// none) and advances the run, atomically.
    /// </summary>
    public void CompleteTrainRound(string runId, int round, string digest, long sizeBytes, string metricsJson, long nowMs, string serverStateDigest = "") => db.Write((c, t) =>
    {
        c.Exec("UPDATE rounds SET state = 'completed', global_out_digest = $d, metrics = $m, ended_ms = $now, server_state_digest = $st WHERE run_id = $id AND round = $r AND kind = 'train'", t,
            ("$d", digest), ("$m", metricsJson), ("$now", nowMs), ("$st", serverStateDigest), ("$id", runId), ("$r", round));
        c.Exec("INSERT OR REPLACE INTO adapter_versions (run_id, round, digest, size_bytes, created_ms) VALUES ($id, $r, $d, $n, $now)", t,
            ("$id", runId), ("$r", round), ("$d", digest), ("$n", sizeBytes), ("$now", nowMs));
        c.Exec("UPDATE runs SET completed_rounds = $r, current_adapter_digest = $d WHERE run_id = $id", t, ("$r", round), ("$d", digest), ("$id", runId));
    });

    /// <summary>The server state artifact recorded with completed train round <paramref name="round"/>; "" when none.</summary>
    public string ServerStateDigest(string runId, int round) => db.Read(c => c.Query(
        "SELECT server_state_digest FROM rounds WHERE run_id = $id AND round = $r AND kind = 'train' AND state = 'completed'",
        r => r.GetString(0), null, ("$id", runId), ("$r", round)).SingleOrDefault()) ?? "";

    /// <summary>Closes an evaluate round with its aggregated metrics, or the reason there are none.</summary>
    public void CompleteEvaluateRound(string runId, int round, string metricsJson, string failureReason, long nowMs) => db.Write((c, t) =>
        c.Exec("UPDATE rounds SET state = $s, metrics = $m, failure_reason = $f, ended_ms = $now WHERE run_id = $id AND round = $r AND kind = 'evaluate'", t,
            ("$s", failureReason.Length == 0 ? RowValues.Completed : RowValues.Failed), ("$m", metricsJson), ("$f", failureReason), ("$now", nowMs), ("$id", runId), ("$r", round)));

    /// <summary>Marks the run failed (and its open round, if any) within the caller's transaction.</summary>
    public static void Fail(SqliteConnection c, SqliteTransaction t, string runId, int round, string reason, long nowMs)
    {
        c.Exec("UPDATE rounds SET state = 'failed', failure_reason = $f, ended_ms = $now WHERE run_id = $id AND round = $r AND state = 'open'", t,
            ("$f", reason), ("$now", nowMs), ("$id", runId), ("$r", round));
        // A run cancelled meanwhile stays cancelled: the cancel was the operator's word.
        c.Exec("UPDATE runs SET state = 'failed', failure_reason = $f WHERE run_id = $id AND state <> 'cancelled'", t, ("$f", reason), ("$id", runId));
    }

    /// <summary>
    /// Moves the run from one of <paramref name="from"/> to <paramref name="to"/> within the caller's transaction; false
    /// (nothing changed) when it is in another state by then, so two controls racing each other cannot both win.
    /// </summary>
    public static bool Transition(SqliteConnection c, SqliteTransaction t, string runId, IReadOnlyList<string> from, string to, string reason)
    {
        var states = string.Join(", ", from.Select((_, i) => $"$s{i}"));
        var parameters = from.Select((state, i) => (Name: $"$s{i}", Value: (object?)state))
            .Concat([("$to", to), ("$id", runId), ("$why", reason)]).ToArray();
        var changed = c.Exec($"UPDATE runs SET state = $to, failure_reason = CASE WHEN $to = 'cancelled' THEN $why ELSE failure_reason END WHERE run_id = $id AND state IN ({states})", t, parameters);
        return changed == 1;
    }

    /// <summary>Marks the run's open round failed (a cancelled run abandons it) within the caller's transaction.</summary>
    public static void AbandonOpenRounds(SqliteConnection c, SqliteTransaction t, string runId, string reason, long nowMs) =>
        c.Exec("UPDATE rounds SET state = 'failed', failure_reason = $f, ended_ms = $now WHERE run_id = $id AND state = 'open'", t,
            ("$f", reason), ("$now", nowMs), ("$id", runId));

    /// <summary>The round open now, if any (train or evaluate).</summary>
    public int? OpenRoundNumber(string runId) => db.Read(c => c.Query("SELECT round FROM rounds WHERE run_id = $id AND state = 'open' ORDER BY round DESC LIMIT 1",
        r => (int?)r.GetInt32(0), null, ("$id", runId)).SingleOrDefault());

    /// <summary>
    /// Marks the run finished within the caller's transaction; <paramref name="reason"/> says why it stopped before its last
    /// round (kept in the failure_reason column, which for a finished run is its stop reason), "" when every round ran.
    /// A run cancelled meanwhile stays cancelled.
    /// </summary>
    public static void Finish(SqliteConnection c, SqliteTransaction t, string runId, string reason = "") =>
        c.Exec("UPDATE runs SET state = 'finished', failure_reason = $f WHERE run_id = $id AND state IN ('running', 'paused')", t, ("$f", reason), ("$id", runId));

    private static RunRow MapRun(SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), (byte[])r[3],
        r.GetInt32(4), r.GetString(5), r.GetString(6), r.GetInt64(7));

    private static RoundRow MapRound(SqliteDataReader r) => new(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3),
        JsonSerializer.Deserialize<string[]>(r.GetString(4)) ?? [], r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8), r.GetInt64(9), r.GetInt64(10));
}
