using Microsoft.Data.Sqlite;

namespace FedTransfer.Coordinator.Persistence;

/// <summary>What the central team registered: artifact metadata and federations.</summary>
internal sealed class CatalogStore(CoordinatorDatabase db)
{
    private const string FederationColumns = "federation_id, name, backbone_digest, adapter_spec, task_spec, initial_adapter_digest, created_ms";

    /// <summary>Records an artifact's metadata; an existing digest keeps its first name and media type.</summary>
    public void AddArtifact(ArtifactRow row) => db.Write((c, t) => c.Exec(
        "INSERT OR IGNORE INTO artifacts (digest, size_bytes, media_type, name, created_ms) VALUES ($d, $s, $m, $n, $t)",
        t, ("$d", row.Digest), ("$s", row.SizeBytes), ("$m", row.MediaType), ("$n", row.Name), ("$t", row.CreatedMs)));

    /// <summary>An artifact's metadata, if recorded.</summary>
    public ArtifactRow? FindArtifact(string digest) => db.Read(c => c.Query(
        "SELECT digest, size_bytes, media_type, name, created_ms FROM artifacts WHERE digest = $d",
        r => new ArtifactRow(r.GetString(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetInt64(4)), null, ("$d", digest)).SingleOrDefault());

    /// <summary>Inserts a federation; returns the existing row instead when the name is taken.</summary>
    public FederationRow AddFederation(FederationRow row) => db.Write((c, t) =>
    {
        var existing = c.Query($"SELECT {FederationColumns} FROM federations WHERE name = $n", Map, t, ("$n", row.Name)).SingleOrDefault();
        if (existing is not null) return existing;
        c.Exec($"INSERT INTO federations ({FederationColumns}) VALUES ($id, $n, $b, $a, $task, $init, $t)", t,
            ("$id", row.FederationId), ("$n", row.Name), ("$b", row.BackboneDigest), ("$a", row.AdapterSpec),
            ("$task", row.TaskSpec), ("$init", row.InitialAdapterDigest), ("$t", row.CreatedMs));
        return row;
    });

    /// <summary>The federation with <paramref name="federationId"/>, if any.</summary>
    public FederationRow? FindFederation(string federationId) => db.Read(c =>
        c.Query($"SELECT {FederationColumns} FROM federations WHERE federation_id = $id", Map, null, ("$id", federationId)).SingleOrDefault());

    /// <summary>Every federation, oldest first.</summary>
    public IReadOnlyList<FederationRow> Federations() => db.Read(c => c.Query($"SELECT {FederationColumns} FROM federations ORDER BY created_ms, federation_id", Map));

    private static FederationRow Map(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6));
}
