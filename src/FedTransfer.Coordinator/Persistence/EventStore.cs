using Microsoft.Data.Sqlite;

namespace FedTransfer.Coordinator.Persistence;

/// <summary>Each run's event log (RunEvent protobuf bytes), numbered 1, 2, 3... per run, replayed to watchers.</summary>
internal sealed class EventStore(CoordinatorDatabase db)
{
    /// <summary>
    /// Appends an event built from its sequence number; returns that number. <paramref name="alongside"/> runs in the same
    /// transaction (a run's final state and its final event land together, so a watcher that sees the state finds the event).
    /// </summary>
    public long Append(string runId, long timeMs, Func<long, byte[]> payloadForSequence, Action<SqliteConnection, SqliteTransaction>? alongside = null) => db.Write((c, t) =>
    {
        alongside?.Invoke(c, t);
        var seq = c.Scalar<long>("SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE run_id = $id", t, ("$id", runId));
        c.Exec("INSERT INTO events (run_id, seq, time_ms, payload) VALUES ($id, $seq, $t, $p)", t,
            ("$id", runId), ("$seq", seq), ("$t", timeMs), ("$p", payloadForSequence(seq)));
        return seq;
    });

    /// <summary>Events with sequence greater than <paramref name="afterSequence"/>, in order.</summary>
    public IReadOnlyList<(long Sequence, byte[] Payload)> After(string runId, long afterSequence) => db.Read(c => c.Query(
        "SELECT seq, payload FROM events WHERE run_id = $id AND seq > $after ORDER BY seq",
        r => (r.GetInt64(0), (byte[])r[1]), null, ("$id", runId), ("$after", afterSequence)));
}
