using Microsoft.Data.Sqlite;

namespace FedTransfer.Coordinator.Persistence;

/// <summary>
/// The coordinator's SQLite file: opens pooled connections (WAL journal, foreign keys on) and brings the schema up to
/// date at construction. Each operation opens its own connection, so callers on any thread are safe; writes that must
/// land together use one transaction.
/// </summary>
internal sealed class CoordinatorDatabase
{
    private readonly string _connectionString;

    public CoordinatorDatabase(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        try
        {
            Migrate();
        }
        catch (SqliteException e) when (e.SqliteErrorCode is NotADatabase or Corrupt)
        {
            // Nothing is changed or moved: the file may be recoverable, and starting empty would forget every run.
            throw new InvalidDataException(
                $"coordinator database '{Path}' is damaged or not a SQLite database ({e.SqliteErrorCode switch { NotADatabase => "file is not a database", _ => "database disk image is malformed" }}); restore it from a backup, or move it aside to start with an empty coordinator", e);
        }
    }

    // SQLite's result codes (sqlite3.h): SQLITE_CORRUPT and SQLITE_NOTADB.
    private const int Corrupt = 11;
    private const int NotADatabase = 26;

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>Opens a connection ready for use.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        // WAL + synchronous=NORMAL: every commit is atomic and survives a killed process; only an OS crash can lose
        // the last commits (never corrupt the file). FULL would make each commit wait for the disk (milliseconds each).
        connection.Exec("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;");
        return connection;
    }

    /// <summary>Runs <paramref name="read"/> on a fresh connection.</summary>
    public T Read<T>(Func<SqliteConnection, T> read)
    {
        using var connection = Open();
        return read(connection);
    }

    /// <summary>Runs <paramref name="write"/> in one transaction, committed when it returns.</summary>
    public T Write<T>(Func<SqliteConnection, SqliteTransaction, T> write)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        var result = write(connection, transaction);
        transaction.Commit();
        return result;
    }

    /// <summary>Runs <paramref name="write"/> in one transaction, committed when it returns.</summary>
    public void Write(Action<SqliteConnection, SqliteTransaction> write) => Write<object?>((c, t) =>
    {
        write(c, t);
        return null;
    });

    /// <summary>The schema version the file is at.</summary>
    public int Version() => (int)Read(c => c.Scalar<long>("SELECT version FROM schema_version"));

    private void Migrate()
    {
        using var connection = Open();
        connection.Exec("PRAGMA journal_mode = WAL;");
        connection.Exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
        // A migration that rebuilds a table drops it while others still refer to it: foreign keys are off for the
        // migration (the pragma has no effect inside a transaction) and checked as a whole before it commits.
        connection.Exec("PRAGMA foreign_keys = OFF;");
        using var transaction = connection.BeginTransaction();
        var version = (int)connection.Scalar<long>("SELECT COALESCE(MAX(version), 0) FROM schema_version", transaction);
        if (version > Schema.CurrentVersion)
            throw new InvalidOperationException($"database {Path} is at schema version {version}, newer than this coordinator understands ({Schema.CurrentVersion}); run a newer coordinator or point Coordinator:DataDirectory elsewhere");
        for (var v = version; v < Schema.CurrentVersion; v++)
            connection.Exec(Schema.Migrations[v], transaction);
        if (connection.Scalar<long>("SELECT COUNT(*) FROM pragma_foreign_key_check", transaction) > 0)
            throw new InvalidOperationException($"database {Path}: migrating to schema version {Schema.CurrentVersion} left rows that refer to missing ones; restore the database from a backup");
        connection.Exec("DELETE FROM schema_version", transaction);
        connection.Exec("INSERT INTO schema_version (version) VALUES ($v)", transaction, ("$v", Schema.CurrentVersion));
        transaction.Commit();
        connection.Exec("PRAGMA foreign_keys = ON;");
    }
}
