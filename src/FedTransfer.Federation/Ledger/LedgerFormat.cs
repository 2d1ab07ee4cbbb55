using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FedTransfer.Federation.Ledger;

/// <summary>Record kinds of a site ledger.</summary>
public static class LedgerKinds
{
    public const string Genesis = "genesis";
    /// <summary>A task arrived (records its allowlist); nothing left.</summary>
    public const string Task = "task";
    public const string Join = "join";
    public const string Pull = "pull";
    public const string Fetch = "fetch";
    public const string Push = "push";
    public const string Receipt = "receipt";
    /// <summary>An unfinished last line was found on reopening and moved aside.</summary>
    public const string TornTail = "torn-tail";
    /// <summary>The first record of every segment after the first: names the signing key again and the segment before.</summary>
    public const string Segment = "segment";
}

/// <summary>The ledger's line format: JSON in canonical property order, one record per line, UTF-8.</summary>
public static class LedgerFormat
{
    public const int Version = 1;
    public const string Sent = "sent";
    public const string Refused = "refused";

    /// <summary>The <c>prev</c> value of the genesis record.</summary>
    public static readonly string GenesisPrevious = new('0', 64);

    private static readonly LedgerJsonContext Context = new(new JsonSerializerOptions
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Relaxed: lines stay readable (certificates, '+', non-ASCII names); control characters and quotes are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
        // Strict reading: what the verifier acts on is exactly what the signed bytes say, with no second reading of a
        // repeated or unknown property hiding in a signed line.
        AllowDuplicateProperties = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    });

    /// <summary>The record's line (no newline), UTF-8.</summary>
    public static byte[] Serialize(LedgerRecord record) => JsonSerializer.SerializeToUtf8Bytes(record, Context.LedgerRecord);

    /// <summary>Parses one line; throws <see cref="JsonException"/> when it is not a ledger record.</summary>
    public static LedgerRecord Parse(ReadOnlySpan<byte> line) =>
        JsonSerializer.Deserialize(line, Context.LedgerRecord) ?? throw new JsonException("the line is JSON null");

    /// <summary>Lowercase hex SHA-256 of a line, the value the next record's <c>prev</c> carries.</summary>
    public static string Hash(ReadOnlySpan<byte> line) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(line));

    /// <summary>"lora:r=8 on 1a2b3c4d5e6f": the federation a task belongs to, from what the site can see of it.</summary>
    public static string FederationOf(string adapterSpec, string backboneDigest) =>
        $"{adapterSpec} on {(backboneDigest.Length > 12 ? backboneDigest[..12] : backboneDigest)}";
}

[JsonSerializable(typeof(LedgerRecord))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
