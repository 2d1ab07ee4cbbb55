using System.Text.Json.Serialization;

namespace FedTransfer.Federation.Ledger;

/// <summary>
/// One line of a site ledger. Properties are written in declaration order (the canonical order), absent ones omitted;
/// <see cref="Signature"/> comes last and signs the line as it reads without it. Kind-specific parts sit in their own
/// objects (<see cref="Genesis"/>, <see cref="TaskInfo"/>, <see cref="Receipt"/>, <see cref="Torn"/>) so an egress record
/// stays short.
/// </summary>
public sealed record LedgerRecord
{
    /// <summary>Format version of the line.</summary>
    [JsonPropertyName("v")] public int Version { get; init; } = LedgerFormat.Version;

    /// <summary>0 for the genesis record, then +1 per line.</summary>
    [JsonPropertyName("seq")] public long Sequence { get; init; }

    /// <summary>When the record was written, Unix milliseconds (UTC).</summary>
    [JsonPropertyName("time")] public long TimeUnixMs { get; init; }

    /// <summary>What the record describes; one of <see cref="LedgerKinds"/>.</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "";

    /// <summary>The federation (adapter spec on a backbone digest), when the message belongs to one.</summary>
    [JsonPropertyName("federation")] public string? Federation { get; init; }

    [JsonPropertyName("run")] public string? RunId { get; init; }

    [JsonPropertyName("round")] public int? Round { get; init; }

    [JsonPropertyName("task")] public string? TaskId { get; init; }

    /// <summary>Where an egress message went (the coordinator's address).</summary>
    [JsonPropertyName("destination")] public string? Destination { get; init; }

    /// <summary>For egress records: <see cref="LedgerFormat.Sent"/> or <see cref="LedgerFormat.Refused"/>.</summary>
    [JsonPropertyName("decision")] public string? Decision { get; init; }

    /// <summary>For a result that declines its task under the site policy: the fixed decline code sent (no payload left).</summary>
    [JsonPropertyName("declined")] public string? Declined { get; init; }

    /// <summary>Why a message was refused (one line).</summary>
    [JsonPropertyName("reason")] public string? Reason { get; init; }

    /// <summary>One line describing the message (e.g. the artifact digest fetched).</summary>
    [JsonPropertyName("summary")] public string? Summary { get; init; }

    /// <summary>The tensors in the payload, in payload order.</summary>
    [JsonPropertyName("tensors")] public LedgerTensor[]? Tensors { get; init; }

    /// <summary>SHA-256 (64 lowercase hex) of exactly the payload bytes sent.</summary>
    [JsonPropertyName("payload_sha256")] public string? PayloadSha256 { get; init; }

    [JsonPropertyName("payload_bytes")] public long? PayloadBytes { get; init; }

    /// <summary>Update encoding of the delta: float32, float16, bfloat16 or int8.</summary>
    [JsonPropertyName("encoding")] public string? Encoding { get; init; }

    /// <summary>Local differential privacy applied to the delta; absent when off.</summary>
    [JsonPropertyName("privacy")] public LedgerPrivacy? Privacy { get; init; }

    [JsonPropertyName("genesis")] public LedgerGenesis? Genesis { get; init; }

    [JsonPropertyName("task_info")] public LedgerTaskInfo? TaskInfo { get; init; }

    [JsonPropertyName("receipt")] public LedgerReceipt? Receipt { get; init; }

    [JsonPropertyName("torn")] public LedgerTorn? Torn { get; init; }

    [JsonPropertyName("segment")] public LedgerSegment? Segment { get; init; }

    /// <summary>SHA-256 (hex) of the previous line's bytes; 64 zeros for the genesis record.</summary>
    [JsonPropertyName("prev")] public string Previous { get; init; } = "";

    /// <summary>ECDSA P-256 / SHA-256 signature, IEEE P1363, base64, over the line without this property.</summary>
    [JsonPropertyName("sig")] public string? Signature { get; init; }
}

/// <summary>One tensor of a payload or of a task's trainable set.</summary>
public sealed record LedgerTensor(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("dtype")] string DType,
    [property: JsonPropertyName("shape")] long[] Shape,
    [property: JsonPropertyName("bytes")] long Bytes);

/// <summary>
/// Clipping and noise applied to a delta before it left; under a privacy budget also what that round spent: the
/// sampling rate it was accounted at, δ, the federation's rounds spent so far (this one included) and ε after it, which
/// an auditor recomputes from the recorded parameters of every round before (docs/AUDIT-FORMAT.md).
/// </summary>
public sealed record LedgerPrivacy(
    [property: JsonPropertyName("clip_norm")] double ClipNorm,
    [property: JsonPropertyName("noise_multiplier")] double NoiseMultiplier,
    [property: JsonPropertyName("norm_before_clip")] double NormBeforeClip,
    [property: JsonPropertyName("sampling_rate")] double? SamplingRate = null,
    [property: JsonPropertyName("delta")] double? Delta = null,
    [property: JsonPropertyName("rounds")] int? Rounds = null,
    [property: JsonPropertyName("epsilon")] double? Epsilon = null);

/// <summary>The first record: who signs this ledger.</summary>
/// <param name="Site">The site's name (its certificate's CN, or the configured display name in plaintext dev).</param>
/// <param name="CertificatePem">The site certificate, when the site has one.</param>
/// <param name="PublicKeyPem">The signing key's public key (SubjectPublicKeyInfo PEM); always present.</param>
/// <param name="SignatureAlgorithm">How every record of this ledger is signed: <c>ecdsa-p256-sha256</c>, which a genesis
/// without it (ledgers written before it was named) means too.</param>
public sealed record LedgerGenesis(
    [property: JsonPropertyName("site")] string Site,
    [property: JsonPropertyName("certificate_pem")] string? CertificatePem,
    [property: JsonPropertyName("public_key_pem")] string PublicKeyPem,
    [property: JsonPropertyName("sig_alg")] string? SignatureAlgorithm = null);

/// <summary>A task as it arrived: the allowlist a later result is checked against.</summary>
public sealed record LedgerTaskInfo(
    [property: JsonPropertyName("kind")] string TaskKind,
    [property: JsonPropertyName("backbone")] string Backbone,
    [property: JsonPropertyName("adapter_spec")] string AdapterSpec,
    [property: JsonPropertyName("encoding")] string Encoding,
    [property: JsonPropertyName("trainable")] LedgerTensor[]? Trainable);

/// <summary>
/// The coordinator's receipt for an upload, as signed by it (see <see cref="ReceiptSigning"/>); the ledger head fields
/// are absent on receipts from coordinators that did not sign one.
/// </summary>
public sealed record LedgerReceipt(
    [property: JsonPropertyName("task")] string TaskId,
    [property: JsonPropertyName("site")] string SiteId,
    [property: JsonPropertyName("run")] string RunId,
    [property: JsonPropertyName("round")] int Round,
    [property: JsonPropertyName("outcome")] string Outcome,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("payload_sha256")] string PayloadSha256,
    [property: JsonPropertyName("payload_bytes")] long PayloadBytes,
    [property: JsonPropertyName("received_unix_ms")] long ReceivedUnixMs,
    [property: JsonPropertyName("duplicate")] bool Duplicate,
    [property: JsonPropertyName("signature")] string Signature,
    [property: JsonPropertyName("coordinator_certificate_pem")] string CoordinatorCertificatePem,
    [property: JsonPropertyName("ledger_head_seq")] long? LedgerHeadSequence = null,
    [property: JsonPropertyName("ledger_head_sha256")] string? LedgerHeadSha256 = null)
{
    /// <summary>The ledger head the site declared when sending (signed by the coordinator with the receipt); null for receipts without one.</summary>
    [JsonIgnore]
    public LedgerHead? DeclaredLedgerHead => LedgerHeadSequence is { } seq && LedgerHeadSha256 is { } sha ? new LedgerHead(seq, sha) : null;
}

/// <summary>Bytes of an unfinished last line found on reopening, moved aside into <see cref="File"/>.</summary>
public sealed record LedgerTorn(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256);

/// <summary>What opens a segment after the first: the signing key as the genesis named it, and the closed segment before.</summary>
public sealed record LedgerSegment(
    [property: JsonPropertyName("site")] string Site,
    [property: JsonPropertyName("certificate_pem")] string? CertificatePem,
    [property: JsonPropertyName("public_key_pem")] string PublicKeyPem,
    [property: JsonPropertyName("sig_alg")] string SignatureAlgorithm,
    [property: JsonPropertyName("previous_file")] string PreviousFile);
