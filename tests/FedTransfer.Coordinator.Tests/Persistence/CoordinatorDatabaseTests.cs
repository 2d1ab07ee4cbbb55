using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Tests.Support;

namespace FedTransfer.Coordinator.Tests.Persistence;

public class CoordinatorDatabaseTests
{
    [Fact]
    public void Open_NewFile_IsAtCurrentSchemaVersion_AndReopeningKeepsData()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "state", "coordinator.db");
        new SiteStore(new CoordinatorDatabase(path)).Upsert(new SiteRow("s", "S", "1", "cpu", 1, 2, "sess", 3, 4));

        var reopened = new CoordinatorDatabase(path);

        Assert.Equal(Schema.CurrentVersion, reopened.Version());
        Assert.Equal("s", Assert.Single(new SiteStore(reopened).All()).SiteId);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void Open_DatabaseAtVersion2_RebuildsTheRunsTableKeepingEveryRowAndItsReferences()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "coordinator.db");
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            old.Open();
            old.Exec("PRAGMA foreign_keys = ON; CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (2);");
            old.Exec(Schema.Migrations[0]);
            old.Exec(Schema.Migrations[1]);
            old.Exec("INSERT INTO federations VALUES ('f1', 'demo', 'b', 'lora:r=2', 'classify:classes=5', 'a', 1)");
            old.Exec("INSERT INTO runs VALUES ('r1', 'f1', 'running', x'00', 2, 'a', '', 5)");
            old.Exec("INSERT INTO rounds (run_id, round, kind, state, sampled, global_in_digest, started_ms) VALUES ('r1', 3, 'train', 'open', '[]', 'a', 6)");
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var db = new CoordinatorDatabase(path);
        db.Write((c, t) => c.Exec("UPDATE runs SET state = 'paused' WHERE run_id = 'r1'", t));

        Assert.Equal(Schema.CurrentVersion, db.Version());
        var run = Assert.Single(new RunStore(db).All());
        Assert.Equal(("r1", "paused", 2), (run.RunId, run.State, run.CompletedRounds));
        Assert.Equal(3, new RunStore(db).OpenRoundNumber("r1"));
        Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => db.Write((c, t) => c.Exec("UPDATE runs SET state = 'sleeping'", t)));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void Open_GarbageFile_RefusesInOneLineAndLeavesTheFileAsItWas()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "coordinator.db");
        var garbage = System.Text.Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("not a database ", 400)));
        File.WriteAllBytes(path, garbage);

        var e = Assert.Throws<InvalidDataException>(() => new CoordinatorDatabase(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("restore it from a backup", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(garbage, File.ReadAllBytes(path));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void Open_NewerSchema_RefusesWithAClearMessage()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "coordinator.db");
        var db = new CoordinatorDatabase(path);
        db.Write((c, t) => c.Exec("UPDATE schema_version SET version = 99", t));

        var e = Assert.Throws<InvalidOperationException>(() => new CoordinatorDatabase(path));

        Assert.Contains("schema version 99", e.Message);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void Write_Exception_RollsBack()
    {
        using var temp = new TempDirectory();
        var db = new CoordinatorDatabase(Path.Combine(temp.Path, "coordinator.db"));

        Assert.Throws<InvalidOperationException>(() => db.Write((c, t) =>
        {
            c.Exec("INSERT INTO artifacts (digest, size_bytes, media_type, name, created_ms) VALUES ('d', 1, 'm', 'n', 1)", t);
            throw new InvalidOperationException("boom");
        }));

        Assert.Null(new CatalogStore(db).FindArtifact("d"));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
