namespace FedTransfer.Coordinator.Persistence;

/// <summary>A joined site.</summary>
internal sealed record SiteRow(string SiteId, string DisplayName, string SoftwareVersion, string Device,
    long TrainExamples, long ValidationExamples, string SessionId, long JoinedMs, long LastSeenMs);

/// <summary>Metadata of an uploaded artifact (the bytes live in the artifact store).</summary>
internal sealed record ArtifactRow(string Digest, long SizeBytes, string MediaType, string Name, long CreatedMs);

/// <summary>A registered federation.</summary>
internal sealed record FederationRow(string FederationId, string Name, string BackboneDigest, string AdapterSpec,
    string TaskSpec, string InitialAdapterDigest, long CreatedMs);

/// <summary>A run's persistent state. <paramref name="Settings"/> is the normalised StartRunRequest (protobuf bytes).</summary>
internal sealed record RunRow(string RunId, string FederationId, string State, byte[] Settings, int CompletedRounds,
    string CurrentAdapterDigest, string FailureReason, long CreatedMs);

/// <summary>One train or evaluate round of a run.</summary>
internal sealed record RoundRow(string RunId, int Round, string Kind, string State, IReadOnlyList<string> Sampled,
    string GlobalInDigest, string GlobalOutDigest, string MetricsJson, string FailureReason, long StartedMs, long EndedMs);

/// <summary>A task handed to one site. <paramref name="ConfigJson"/> is the TrainConfig (train tasks) or "{}".</summary>
internal sealed record TaskRow(string TaskId, string RunId, int Round, string Kind, string SiteId, string ConfigJson, long CreatedMs);

/// <summary>A result received for a task: accepted, rejected (with reason) or late. At most one per task.</summary>
internal sealed record UpdateRow(string TaskId, string RunId, int Round, string Kind, string SiteId, string Digest,
    long SizeBytes, long Examples, string MetricsJson, string Outcome, string Reason, long ReceivedMs);

/// <summary>Names used in the text columns.</summary>
internal static class RowValues
{
    public const string Running = "running";
    public const string Finished = "finished";
    public const string Failed = "failed";
    public const string Paused = "paused";
    public const string Cancelled = "cancelled";
    public const string Open = "open";
    public const string Completed = "completed";
    public const string Train = "train";
    public const string Evaluate = "evaluate";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string Late = "late";
}
