using System.Text;
using FedTransfer.Contracts.V1;
using Google.Protobuf;

namespace FedTransfer.Site.Results;

/// <summary>
/// Keeps every receipt the coordinator returned, one JSON object per line (the receipt in protobuf's JSON mapping), in
/// <c>receipts.jsonl</c> under the cache folder. Each line is flushed to disk before the call returns, so a receipt
/// that was acknowledged is never lost to a crash. The site's signed ledger will take this file's place.
/// </summary>
internal sealed class ReceiptStore
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private readonly object _gate = new();

    public ReceiptStore(string directory) => FilePath = Path.Combine(directory, "receipts.jsonl");

    /// <summary>The JSON-lines file.</summary>
    public string FilePath { get; }

    public void Append(Receipt receipt)
    {
        var line = Formatter.Format(receipt) + "\n";
        lock (_gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            using var fs = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read);
            fs.Write(Encoding.UTF8.GetBytes(line));
            fs.Flush(flushToDisk: true);
        }
    }

    /// <summary>Every stored receipt, oldest first. A torn last line (a crash mid-write) is skipped; a malformed earlier
    /// line means the file was damaged and is reported, naming the line.</summary>
    /// <exception cref="InvalidDataException">A line other than the last is not a receipt.</exception>
    public IReadOnlyList<Receipt> ReadAll()
    {
        if (!File.Exists(FilePath)) return [];
        var lines = File.ReadAllLines(FilePath);
        var result = new List<Receipt>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                result.Add(Receipt.Parser.ParseJson(lines[i]));
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
            {
                if (i == lines.Length - 1) break;
                throw new InvalidDataException($"{FilePath}:{i + 1}: not a receipt ({e.Message}); the file was damaged, keep a copy before editing it", e);
            }
        }
        return result;
    }
}
