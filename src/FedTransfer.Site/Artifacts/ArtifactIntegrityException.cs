namespace FedTransfer.Site.Artifacts;

/// <summary>An artifact could not be obtained intact (digest mismatch after a refetch, or a malformed stream).</summary>
public sealed class ArtifactIntegrityException : Exception
{
    /// <summary>Creates the exception with a one-line message naming the artifact.</summary>
    public ArtifactIntegrityException(string message) : base(message)
    {
    }
}
