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

    /// <summary>Every stored receipt, oldest first; a torn last line (crash mid-write) is skipped.</summary>
    public IReadOnlyList<Receipt> ReadAll()
    {
        if (!File.Exists(FilePath)) return [];
        var result = new List<Receipt>();
        foreach (var line in File.ReadLines(FilePath))
        {
            if (line.Length == 0) continue;
            try
            {
                result.Add(Receipt.Parser.ParseJson(line));
            }
            catch (InvalidProtocolBufferException)
            {
                // Only a partly written final line can be malformed; earlier lines were flushed whole.
            }
        }
        return result;
    }
}
