using FedTransfer.Contracts;

namespace FedTransfer.Coordinator;

/// <summary>
/// The coordinator's settings, bound from the configuration section <c>Coordinator</c> and validated at start
/// (<see cref="CoordinatorOptionsValidator"/>). appsettings.json documents each one.
/// </summary>
public sealed class CoordinatorOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Coordinator";

    /// <summary>Directory for the SQLite state file (coordinator.db) and the artifact store (artifacts/).</summary>
    public string DataDirectory { get; set; } = "data/coordinator";

    /// <summary>
    /// Where the gRPC server listens (http:// = plaintext h2c, https:// = TLS, optionally with required client certificates).
    /// HTTP/2 windows are small on purpose: with many sites uploading at once, each window is memory the server may have to
    /// hold per site (1 MiB per stream, 2 MiB per connection); likewise each download buffers at most one 1 MiB chunk
    /// ahead of the network.
    /// </summary>
    public ListenerOptions Listener { get; set; } = new();

    /// <summary>Largest incoming gRPC message, in bytes. Chunks are at most 3 MiB, so the 4 MiB default always suffices.</summary>
    public int MaxReceiveMessageSizeBytes { get; set; } = WireLimits.MaxMessageBytes;

    /// <summary>Artifact chunk size when a FetchArtifact request leaves it 0, in bytes (4096 .. 3145728).</summary>
    public int DefaultChunkSizeBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest site result payload accepted, in bytes.</summary>
    public long MaxUpdateBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Largest artifact the central team may upload, in bytes.</summary>
    public long MaxArtifactBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Upper bound on how long a PullTask call is held open, in milliseconds (0 .. 60000).</summary>
    public int MaxPullWaitMs { get; set; } = 30_000;

    /// <summary>
    /// A site is online while its connection is open (<see cref="Sites.SitePresence"/>); a site that has not called since
    /// this coordinator started is online for this long (seconds) after it was last heard from. Offline sites are not sampled.
    /// </summary>
    public int SiteLivenessSeconds { get; set; } = 10;

    /// <summary>
    /// Without a TLS client certificate, identify a site by its display name. Only for plaintext development setups:
    /// anyone who can reach the port can then claim any name. Must be false when client certificates are required.
    /// </summary>
    public bool AllowInsecureSiteIdentity { get; set; } = true;

    /// <summary>
    /// When set, Admin calls must send <c>authorization: Bearer &lt;token&gt;</c>. Empty leaves the Admin service open
    /// (development only).
    /// </summary>
    public string AdminToken { get; set; } = "";

    /// <summary>
    /// How many result payloads are received and validated at the same time; further uploads wait (held back by HTTP/2
    /// flow control, so they cost at most a stream window each). Bounds memory when many sites finish together.
    /// </summary>
    public int MaxConcurrentUploads { get; set; } = 4;

    /// <summary>
    /// How many artifact downloads (FetchArtifact) stream at the same time; further ones wait without holding any data.
    /// Each download in flight may hold up to <see cref="ListenerOptions.MaxResponseBufferSize"/> of unsent chunks.
    /// </summary>
    public int MaxConcurrentDownloads { get; set; } = 8;

    /// <summary>
    /// Keep every site payload after its round (under updates/, one file per task) instead of deleting it once the round's
    /// aggregate is written. Costs one adapter per site per round of disk.
    /// </summary>
    public bool KeepUpdatePayloads { get; set; }

    /// <summary>
    /// Force each received payload to the disk before answering its receipt. Off by default: payloads only need to
    /// outlive a killed coordinator process (the page cache does that); after an OS crash, payloads that did not survive
    /// are detected by their digests and reported as lost. On makes every upload wait for the disk.
    /// </summary>
    public bool SyncUpdatesToDisk { get; set; }

    /// <summary>When true, PullTask answers <c>stop</c> once at least one run exists and none is running (demos end their sites this way).</summary>
    public bool StopSitesWhenIdle { get; set; }

    /// <summary>
    /// Serve gRPC server reflection (grpc.reflection.v1 and v1alpha), for tools such as grpcurl. Off by default: the
    /// contract is in protos/; when on, reflection calls need an admin certificate like the Admin service.
    /// </summary>
    public bool EnableReflection { get; set; }

    /// <summary>Full path of the SQLite file.</summary>
    public string DatabasePath => Path.Combine(DataDirectory, "coordinator.db");

    /// <summary>Full path of the artifact store.</summary>
    public string ArtifactDirectory => Path.Combine(DataDirectory, "artifacts");

    /// <summary>Where site payloads wait for their round's aggregate.</summary>
    public string UpdatesDirectory => Path.Combine(DataDirectory, "updates");
}
