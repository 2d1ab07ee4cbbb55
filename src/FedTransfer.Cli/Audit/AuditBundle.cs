using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using FedTransfer.Federation.Ledger;

namespace FedTransfer.Cli.Audit;

/// <summary>What an extracted bundle holds: the ledger (its active file, segments beside it), the receipt log, the CA if bundled.</summary>
internal sealed record BundleContents(string Ledger, string ReceiptLog, string? CaFile);

/// <summary>
/// <c>audit bundle</c>'s one file for an auditor: a zip of the ledger's segments, the coordinator's receipt log and the
/// CA certificate, with a manifest of names, sizes and SHA-256s. The manifest only guards against a damaged copy; what
/// makes the contents trustworthy are the signatures inside them, which <c>audit verify BUNDLE</c> checks offline.
/// </summary>
internal static partial class AuditBundle
{
    public const string Format = "fedtransfer-audit-bundle-1";
    private const string ManifestName = "manifest.json";
    private const string ReceiptsName = "receipts.jsonl";
    private const string CaName = "ca.pem";

    /// <summary>True when the file starts like a zip archive.</summary>
    public static bool IsBundle(string path)
    {
        if (!File.Exists(path)) return false;
        using var file = File.OpenRead(path);
        Span<byte> magic = stackalloc byte[4];
        return file.Read(magic) == 4 && magic.SequenceEqual("PK\u0003\u0004"u8);
    }

    /// <summary>Writes the bundle; returns the number of ledger files in it.</summary>
    public static int Write(string ledgerPath, string receiptLog, string? caFile, string output)
    {
        var segments = LedgerSegments.Files(ledgerPath);
        var files = new List<ManifestFile>();
        var temporary = output + ".tmp";
        using (var zip = ZipFile.Open(temporary, ZipArchiveMode.Create))
        {
            foreach (var segment in segments) files.Add(Add(zip, segment, "ledger/" + Path.GetFileName(segment)));
            files.Add(Add(zip, receiptLog, ReceiptsName));
            if (caFile is not null) files.Add(Add(zip, caFile, CaName));
            var manifest = new Manifest(Format, Path.GetFileName(segments[^1]), files);
            using var stream = zip.CreateEntry(ManifestName).Open();
            JsonSerializer.Serialize(stream, manifest, ManifestJson.Default.Manifest);
        }
        File.Move(temporary, output, overwrite: true);
        return segments.Count;
    }

    /// <summary>Extracts the bundle into <paramref name="folder"/> after checking every entry against the manifest.</summary>
    /// <exception cref="BundleException">The file is not a bundle, or an entry is missing, extra, misnamed or damaged; the message says which.</exception>
    public static BundleContents Extract(string bundle, string folder)
    {
        try
        {
            using var zip = ZipFile.OpenRead(bundle);
            var manifestEntry = zip.GetEntry(ManifestName) ?? throw Bad(bundle, $"it has no {ManifestName}");
            Manifest manifest;
            using (var stream = manifestEntry.Open())
                manifest = JsonSerializer.Deserialize(stream, ManifestJson.Default.Manifest) ?? throw Bad(bundle, "its manifest is empty");
            if (manifest.Format != Format) throw Bad(bundle, $"its manifest names format '{manifest.Format}', not {Format}");
            var listed = manifest.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
            foreach (var entry in zip.Entries.Where(e => e.FullName != ManifestName))
            {
                if (!listed.Remove(entry.FullName, out var expected)) throw Bad(bundle, $"entry '{entry.FullName}' is not in its manifest");
                if (!SafeName().IsMatch(entry.FullName)) throw Bad(bundle, $"entry '{entry.FullName}' is not a ledger segment, {ReceiptsName} or {CaName}");
                var target = Path.Combine(folder, entry.FullName);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                entry.ExtractToFile(target);
                var (bytes, sha) = Digest(target);
                if (bytes != expected.Bytes || sha != expected.Sha256) throw Bad(bundle, $"entry '{entry.FullName}' does not match its manifest (damaged copy)");
            }
            if (listed.Count > 0) throw Bad(bundle, $"entry '{listed.Keys.First()}' of its manifest is missing");
            var ledger = Path.Combine(folder, "ledger", manifest.ActiveLedgerFile);
            if (!SafeName().IsMatch("ledger/" + manifest.ActiveLedgerFile) || !File.Exists(ledger) && LedgerSegments.Closed(ledger).Count == 0)
                throw Bad(bundle, "it holds no ledger");
            var receipts = Path.Combine(folder, ReceiptsName);
            if (!File.Exists(receipts)) throw Bad(bundle, $"it holds no {ReceiptsName}");
            var ca = Path.Combine(folder, CaName);
            return new BundleContents(ledger, receipts, File.Exists(ca) ? ca : null);
        }
        catch (Exception e) when (e is JsonException or IOException or ArgumentException or InvalidDataException && e is not BundleException)
        {
            throw Bad(bundle, e.Message.TrimEnd('.'));
        }
    }

    /// <summary>SHA-256 of a certificate file's DER form, for the auditor to compare with the CA they trust.</summary>
    public static string Fingerprint(string caFile) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(caFile)).RawData));

    private static ManifestFile Add(ZipArchive zip, string file, string name)
    {
        zip.CreateEntryFromFile(file, name, CompressionLevel.Optimal);
        var (bytes, sha) = Digest(file);
        return new ManifestFile(name, bytes, sha);
    }

    private static (long Bytes, string Sha256) Digest(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return (stream.Length, Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    private static BundleException Bad(string bundle, string why) =>
        new($"audit bundle {bundle}: {why}; make it again with `fedtransfer audit bundle`");

    // Only flat names in the two places a bundle has: no folders, no '..', nothing outside the extraction folder.
    [GeneratedRegex(@"^(ledger/[A-Za-z0-9_-][A-Za-z0-9._-]*\.jsonl|receipts\.jsonl|ca\.pem)$")]
    private static partial Regex SafeName();
}

/// <summary>A file that is not a usable audit bundle; the message says why and what to do.</summary>
internal sealed class BundleException(string message) : IOException(message);

internal sealed record ManifestFile(string Name, long Bytes, string Sha256);

internal sealed record Manifest(string Format, string ActiveLedgerFile, List<ManifestFile> Files);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Manifest))]
internal sealed partial class ManifestJson : System.Text.Json.Serialization.JsonSerializerContext;
