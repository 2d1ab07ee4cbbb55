namespace FedTransfer.Coordinator.Artifacts;

/// <summary>A stored artifact: its digest and exact size.</summary>
/// <param name="Digest">SHA-256, 64 lowercase hex.</param>
/// <param name="SizeBytes">Size in bytes.</param>
public sealed record ArtifactInfo(string Digest, long SizeBytes);
