namespace FedTransfer.Site.Configuration;

/// <summary>
/// Settings of a site service, bound from the configuration section <c>Site</c> (see <c>site.appsettings.json</c>, which
/// documents each one) and validated when the host starts.
/// </summary>
public sealed class SiteOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Site";

    /// <summary>The coordinator's address, e.g. <c>https://coordinator.example:7443</c>. Plain <c>http</c> only for loopback.</summary>
    public string CoordinatorUrl { get; set; } = "http://127.0.0.1:7070";

    /// <summary>The name the central team sees for this site, 1..128 UTF-8 bytes.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>Folder holding the local data: IDX image files or one CSV file. Nothing of it ever leaves the site.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>How to read <see cref="DataDirectory"/>: auto (by the files present), idx or csv.</summary>
    public SiteDataFormat DataFormat { get; set; } = SiteDataFormat.Auto;

    /// <summary>For IDX data: original labels to keep, comma-separated (e.g. <c>5,6,7,8,9</c>), relabelled 0..n-1 in that
    /// order so they match the task's head; empty keeps every label as it is.</summary>
    public string ImageClasses { get; set; } = "";

    /// <summary>For CSV data: the header name of the label column; every other column is a numeric feature.</summary>
    public string CsvLabelColumn { get; set; } = "label";

    /// <summary>Share of the local examples kept aside as the validation split, in (0, 1).</summary>
    public double ValidationFraction { get; set; } = 0.2;

    /// <summary>Seed of the local train/validation split; the same seed gives the same split on every start.</summary>
    public long SplitSeed { get; set; } = 20240531;

    /// <summary>Where training runs: <c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c> (CUDA when present).</summary>
    public string Device { get; set; } = "auto";

    /// <summary>CPU threads for the tensor engine's intra-op parallelism; 0 = one per core.</summary>
    public int Threads { get; set; }

    /// <summary>Folder for fetched artifacts (backbone, adapters) and the receipts file. Empty: <c>.fedtransfer-cache</c> inside the data folder.</summary>
    public string CacheDirectory { get; set; } = "";

    /// <summary>How long one PullTask call may wait at the coordinator for work, in ms (0..60000).</summary>
    public int PollMaxWaitMs { get; set; } = 20000;

    /// <summary>First reconnect delay after the coordinator became unreachable, in ms.</summary>
    public int ReconnectInitialDelayMs { get; set; } = 500;

    /// <summary>Upper bound of the reconnect delay, in ms (the delay doubles up to it, with jitter).</summary>
    public int ReconnectMaxDelayMs { get; set; } = 30000;

    /// <summary>
    /// How the site talks to the coordinator: <see cref="CoordinatorTransport.Http2"/> (gRPC over HTTP/2, the default) or
    /// <see cref="CoordinatorTransport.GrpcWeb"/> (gRPC-Web over HTTP/1.1, for networks whose proxies pass only HTTP/1.1;
    /// needs an https:// coordinator). The same services, identity and egress rules either way.
    /// </summary>
    public CoordinatorTransport Transport { get; set; } = CoordinatorTransport.Http2;

    /// <summary>Deadline of one artifact download or result upload, in seconds (10..86400): ample for a large backbone.</summary>
    public int TransferTimeoutSeconds { get; set; } = 3600;

    /// <summary>Bytes per artifact chunk asked of the coordinator (4096..3145728).</summary>
    public int FetchChunkBytes { get; set; } = 1 << 20;

    /// <summary>Architecture file of the backbone (JSON written by <c>fedtransfer pretrain</c>), used when the backbone artifact's
    /// safetensors metadata does not carry it. Empty: the metadata must carry it.</summary>
    public string BackboneConfigFile { get; set; } = "";

    /// <summary>The site's policy file (JSON): which federations it joins, the minimum local train examples, and optional
    /// clipping + Gaussian noise of deltas. Empty: no policy, i.e. any federation, no minimum, no noise.</summary>
    public string PolicyFile { get; set; } = "";

    /// <summary>PEM file of this site's TLS client certificate (optional; needs <see cref="ClientKeyFile"/>).</summary>
    public string ClientCertificateFile { get; set; } = "";

    /// <summary>PEM file of the client certificate's private key.</summary>
    public string ClientKeyFile { get; set; } = "";

    /// <summary>PEM file of the certificate authority the coordinator's certificate must chain to (optional).</summary>
    public string TrustedCaFile { get; set; } = "";

    /// <summary>The site's egress ledger (signed, hash-chained JSON lines; see <c>fedtransfer audit</c>). Empty:
    /// <c>.fedtransfer-ledger/ledger.jsonl</c> inside the data folder. Without a client certificate, the ledger is signed
    /// with a development key created once beside it (<c>ledger-signing-key.pem</c>).</summary>
    public string LedgerFile { get; set; } = "";

    /// <summary>
    /// Size at which the ledger's active file is closed as a segment (<c>ledger.&lt;first record&gt;.jsonl</c> beside it)
    /// and a new one opened, the hash chain continued; 0 never rotates. Default 64 MiB.
    /// </summary>
    public long LedgerSegmentBytes { get; set; } = 64L << 20;

    /// <summary>The ledger file, with the default applied.</summary>
    public string ResolveLedgerFile() => !string.IsNullOrWhiteSpace(LedgerFile)
        ? Path.GetFullPath(LedgerFile)
        : Path.Combine(Path.GetFullPath(DataDirectory), ".fedtransfer-ledger", "ledger.jsonl");

    /// <summary>The folder artifacts and receipts go to, with the default applied.</summary>
    public string ResolveCacheDirectory() => !string.IsNullOrWhiteSpace(CacheDirectory)
        ? Path.GetFullPath(CacheDirectory)
        : Path.Combine(Path.GetFullPath(DataDirectory), ".fedtransfer-cache");
}

/// <summary>The wire protocol of the site's calls to the coordinator.</summary>
public enum CoordinatorTransport
{
    /// <summary>gRPC over HTTP/2 (h2c on loopback, h2 over TLS).</summary>
    Http2,
    /// <summary>gRPC-Web over HTTP/1.1 (TLS), for proxies that pass only HTTP/1.1.</summary>
    GrpcWeb,
}

/// <summary>How the site's data folder is read.</summary>
public enum SiteDataFormat
{
    /// <summary>IDX when image/label IDX files are present, else CSV when a .csv file is.</summary>
    Auto,
    /// <summary>IDX files (the Fashion-MNIST format, optionally gzipped): <c>*-images-idx3-ubyte</c> and <c>*-labels-idx1-ubyte</c>.</summary>
    Idx,
    /// <summary>One CSV file with a header row, a label column and numeric feature columns.</summary>
    Csv,
}
