using FedTransfer.Coordinator.Persistence;

namespace FedTransfer.Coordinator.Tests.Support;

/// <summary>A migrated database in a temp directory with one federation and one run, for store tests.</summary>
internal sealed class TestDatabase : IDisposable
{
    private readonly TempDirectory _temp = new();

    public TestDatabase()
    {
        Db = new CoordinatorDatabase(Path.Combine(_temp.Path, "coordinator.db"));
        new CatalogStore(Db).AddFederation(new FederationRow("fed-1", "demo", new string('b', 64), "lora:r=4", "classify:classes=5", new string('a', 64), 1));
        new RunStore(Db).Insert(new RunRow("run-1", "fed-1", RowValues.Running, [1, 2, 3], 0, new string('a', 64), "", 2), 1000);
    }

    public CoordinatorDatabase Db { get; }

    public string Directory => _temp.Path;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }
}
