using System.Text;
using FedTransfer.Coordinator.Security;
using FedTransfer.Federation.Receipts;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Coordinator.Receipts;

/// <summary>
/// The coordinator's own append-only log of the receipts it signed: <c>receipts.jsonl</c> in the data directory, one
/// <see cref="ReceiptLogRecord"/> per task, forced to disk before the receipt is answered. A line cut short by a crash is
/// left in place (the auditor sees it) and terminated, so later records stay whole; the task's retry writes it again.
/// </summary>
internal sealed class ReceiptLog : IDisposable
{
    public const string FileName = "receipts.jsonl";

    private readonly object _gate = new();
    private readonly HashSet<string> _logged = new(StringComparer.Ordinal);
    private readonly FileStream _file;

    public ReceiptLog(string dataDirectory, ILogger log)
    {
        Directory.CreateDirectory(dataDirectory);
        Path = System.IO.Path.GetFullPath(System.IO.Path.Combine(dataDirectory, FileName));
        var tornTail = File.Exists(Path) && Load(log);
        _file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        if (tornTail) Write("\n"u8);
    }

    public string Path { get; }

    /// <summary>True when a receipt of <paramref name="taskId"/> is already in the log.</summary>
    public bool Contains(string taskId)
    {
        lock (_gate) return _logged.Contains(taskId);
    }

    /// <summary>Appends the record unless its task is already logged; returns once the line is on disk.</summary>
    public void Append(ReceiptLogRecord record)
    {
        lock (_gate)
        {
            if (_logged.Contains(record.TaskId)) return;
            Write(Encoding.UTF8.GetBytes(record.ToJsonLine() + "\n"));
            _logged.Add(record.TaskId);
        }
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        _file.Write(bytes);
        _file.Flush(flushToDisk: true);
    }

    /// <summary>Reads the task ids already logged; true when the file does not end with a newline (a torn last write).</summary>
    private bool Load(ILogger log)
    {
        var text = File.ReadAllText(Path, Encoding.UTF8);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                _logged.Add(ReceiptLogRecord.Parse(lines[i]).TaskId);
            }
            catch (FormatException e)
            {
                SecurityLog.BadReceiptLogLine(log, Path, i + 1, e.Message);
            }
        }
        return text.Length > 0 && text[^1] != '\n';
    }

    public void Dispose() => _file.Dispose();
}
