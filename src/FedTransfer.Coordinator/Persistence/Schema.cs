namespace FedTransfer.Coordinator.Persistence;

/// <summary>
/// The SQLite schema, as an ordered list of migrations. The database records the version it is at in
/// <c>schema_version</c>; a coordinator applies the migrations it lacks at start and refuses a newer database.
/// Never edit a released migration: append a new one.
/// </summary>
internal static class Schema
{
    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: initial schema. Times are Unix epoch milliseconds; digests are SHA-256 lowercase hex.
        """
        CREATE TABLE sites (
            site_id TEXT PRIMARY KEY,
            display_name TEXT NOT NULL,
            software_version TEXT NOT NULL,
            device TEXT NOT NULL,
            train_examples INTEGER NOT NULL,
            validation_examples INTEGER NOT NULL,
            session_id TEXT NOT NULL UNIQUE,
            joined_ms INTEGER NOT NULL,
            last_seen_ms INTEGER NOT NULL
        );
        CREATE TABLE artifacts (
            digest TEXT PRIMARY KEY,
            size_bytes INTEGER NOT NULL,
            media_type TEXT NOT NULL,
            name TEXT NOT NULL,
            created_ms INTEGER NOT NULL
        );
        CREATE TABLE federations (
            federation_id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            backbone_digest TEXT NOT NULL,
            adapter_spec TEXT NOT NULL,
            task_spec TEXT NOT NULL,
            initial_adapter_digest TEXT NOT NULL,
            created_ms INTEGER NOT NULL
        );
        CREATE TABLE runs (
            run_id TEXT PRIMARY KEY,
            federation_id TEXT NOT NULL REFERENCES federations(federation_id),
            state TEXT NOT NULL CHECK (state IN ('running', 'finished', 'failed')),
            settings BLOB NOT NULL,
            completed_rounds INTEGER NOT NULL,
            current_adapter_digest TEXT NOT NULL,
            failure_reason TEXT NOT NULL DEFAULT '',
            created_ms INTEGER NOT NULL
        );
        CREATE TABLE adapter_versions (
            run_id TEXT NOT NULL REFERENCES runs(run_id),
            round INTEGER NOT NULL,
            digest TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            created_ms INTEGER NOT NULL,
            PRIMARY KEY (run_id, round)
        );
        CREATE TABLE rounds (
            run_id TEXT NOT NULL REFERENCES runs(run_id),
            round INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('train', 'evaluate')),
            state TEXT NOT NULL CHECK (state IN ('open', 'completed', 'failed')),
            sampled TEXT NOT NULL,
            global_in_digest TEXT NOT NULL,
            global_out_digest TEXT NOT NULL DEFAULT '',
            metrics TEXT NOT NULL DEFAULT '{}',
            failure_reason TEXT NOT NULL DEFAULT '',
            started_ms INTEGER NOT NULL,
            ended_ms INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (run_id, round, kind)
        );
        CREATE TABLE tasks (
            task_id TEXT PRIMARY KEY,
            run_id TEXT NOT NULL REFERENCES runs(run_id),
            round INTEGER NOT NULL,
            kind TEXT NOT NULL,
            site_id TEXT NOT NULL,
            config TEXT NOT NULL,
            created_ms INTEGER NOT NULL
        );
        CREATE INDEX tasks_by_round ON tasks(run_id, round, kind);
        CREATE TABLE updates (
            task_id TEXT PRIMARY KEY REFERENCES tasks(task_id),
            run_id TEXT NOT NULL,
            round INTEGER NOT NULL,
            kind TEXT NOT NULL,
            site_id TEXT NOT NULL,
            digest TEXT NOT NULL,
            size_bytes INTEGER NOT NULL,
            examples INTEGER NOT NULL,
            metrics TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'late')),
            reason TEXT NOT NULL,
            received_ms INTEGER NOT NULL
        );
        CREATE INDEX updates_by_round ON updates(run_id, round, kind);
        CREATE TABLE events (
            run_id TEXT NOT NULL REFERENCES runs(run_id),
            seq INTEGER NOT NULL,
            time_ms INTEGER NOT NULL,
            payload BLOB NOT NULL,
            PRIMARY KEY (run_id, seq)
        );
        """,
        // 2: a strategy's server-side state (momentum, Adam's moments) after a train round, as a content-addressed
        // safetensors artifact, so a restarted coordinator resumes the optimiser exactly. '' = stateless strategy.
        """
        ALTER TABLE rounds ADD COLUMN server_state_digest TEXT NOT NULL DEFAULT '';
        """,
        // 3: runs may be paused and cancelled. SQLite cannot change a CHECK constraint in place, so the table is rebuilt
        // the documented way (create, copy, drop, rename; foreign keys are off while CoordinatorDatabase migrates).
        """
        CREATE TABLE runs_v3 (
            run_id TEXT PRIMARY KEY,
            federation_id TEXT NOT NULL REFERENCES federations(federation_id),
            state TEXT NOT NULL CHECK (state IN ('running', 'paused', 'finished', 'failed', 'cancelled')),
            settings BLOB NOT NULL,
            completed_rounds INTEGER NOT NULL,
            current_adapter_digest TEXT NOT NULL,
            failure_reason TEXT NOT NULL DEFAULT '',
            created_ms INTEGER NOT NULL
        );
        INSERT INTO runs_v3 (run_id, federation_id, state, settings, completed_rounds, current_adapter_digest, failure_reason, created_ms)
            SELECT run_id, federation_id, state, settings, completed_rounds, current_adapter_digest, failure_reason, created_ms FROM runs;
        DROP TABLE runs;
        ALTER TABLE runs_v3 RENAME TO runs;
        """,
    ];

    /// <summary>The version a fully migrated database is at.</summary>
    public static int CurrentVersion => Migrations.Count;
}
