using System.Globalization;
using System.Text.Json;

namespace FedTransfer.Federation.Ledger;

/// <summary>One receipt in the coordinator's receipt log.</summary>
/// <param name="LedgerHead">The site ledger's head the site declared when sending, as the coordinator signed it; null when the receipt names none.</param>
public sealed record ReceiptLogEntry(long Line, string TaskId, string SiteId, string RunId, int Round, string Outcome, string PayloadSha256,
    long PayloadBytes, long ReceivedUnixMs, string Signature, string CoordinatorCertificatePem, LedgerHead? LedgerHead = null);

/// <summary>
/// Reads the coordinator's receipt log: JSON lines, one receipt each. Property names are matched ignoring case and
/// underscores (so both <c>task_id</c> and the protobuf JSON <c>taskId</c> work), and numbers may be JSON numbers or
/// strings (protobuf JSON writes 64-bit integers as strings).
/// </summary>
public static class ReceiptLog
{
    /// <summary>Every receipt in the file.</summary>
    /// <exception cref="FormatException">A line is not a receipt; the message names the line.</exception>
    public static List<ReceiptLogEntry> Read(string path)
    {
        var entries = new List<ReceiptLogEntry>();
        foreach (var raw in LedgerReader.Lines(path))
        {
            if (raw.Bytes.Span.Trim(" \t\r"u8).IsEmpty) continue;
            try
            {
                using var document = JsonDocument.Parse(raw.Bytes);
                var fields = document.RootElement.EnumerateObject().ToDictionary(p => Normalize(p.Name), p => p.Value.Clone());
                entries.Add(new ReceiptLogEntry(raw.LineNumber, Text(fields, "taskid"), Text(fields, "siteid"), Text(fields, "runid"),
                    (int)Number(fields, "round"), Text(fields, "outcome"), Text(fields, "payloadsha256"), Number(fields, "payloadbytes"),
                    Number(fields, "receivedunixms"), Text(fields, "signature"), Text(fields, "coordinatorcertificatepem"), Head(fields)));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException)
            {
                throw new FormatException($"receipt log {path}, line {raw.LineNumber}: not a receipt ({e.Message})", e);
            }
        }
        return entries;
    }

    // A receipt names a head only with both fields; a coordinator that predates them writes neither.
    private static LedgerHead? Head(Dictionary<string, JsonElement> fields) =>
        fields.ContainsKey("ledgerheadseq") && fields.ContainsKey("ledgerheadsha256") && fields["ledgerheadseq"].ValueKind != JsonValueKind.Null
            ? new LedgerHead(Number(fields, "ledgerheadseq"), Text(fields, "ledgerheadsha256"))
            : null;

    private static string Normalize(string name) => name.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();

    private static string Text(Dictionary<string, JsonElement> fields, string name) =>
        !fields.TryGetValue(name, out var v) ? "" : v.ValueKind switch
        {
            JsonValueKind.String => v.GetString()!,
            JsonValueKind.Null => "",
            _ => v.GetRawText(),
        };

    private static long Number(Dictionary<string, JsonElement> fields, string name) =>
        !fields.TryGetValue(name, out var v) ? 0 : v.ValueKind switch
        {
            JsonValueKind.Number => v.GetInt64(),
            JsonValueKind.String => long.Parse(v.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture),
            JsonValueKind.Null => 0,
            _ => throw new FormatException($"'{name}' is not a number"),
        };
}
