namespace FedTransfer.Coordinator.Artifacts;

/// <summary>No artifact with the requested digest is stored.</summary>
public sealed class ArtifactNotFoundException(string digest)
    : Exception($"no artifact with digest {digest} is stored; upload it first (Admin.UploadArtifact)")
{
    /// <summary>The digest asked for.</summary>
    public string Digest { get; } = digest;
}

/// <summary>Bytes did not match what was declared (size or digest), or a stored file no longer matches its name.</summary>
public sealed class ArtifactIntegrityException(string message) : Exception(message);
