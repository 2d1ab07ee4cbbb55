using FedTransfer.Coordinator.Receipts;
using FedTransfer.Coordinator.Tests.Support;
using FedTransfer.Federation.Receipts;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedTransfer.Coordinator.Tests.Receipts;

public sealed class ReceiptLogTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private static ReceiptLogRecord Record(string taskId) =>
        new(taskId, "site-a", "run-1", 1, "accepted", "", new string('a', 64), 100, 1_700_000_000_000, [1, 2, 3], "PEM");

    private string LogPath => Path.Combine(_temp.Path, ReceiptLog.FileName);

    [Fact]
    public void Append_SameTaskTwice_OneLine()
    {
        using var log = new ReceiptLog(_temp.Path, NullLogger.Instance);

        log.Append(Record("t-1"));
        log.Append(Record("t-1"));
        log.Append(Record("t-2"));

        var lines = File.ReadAllLines(LogPath);
        Assert.Equal(["t-1", "t-2"], lines.Select(l => ReceiptLogRecord.Parse(l).TaskId));
    }

    [Fact]
    public void Reopen_KnowsLoggedTasks_AppendsAfterThem()
    {
        using (var first = new ReceiptLog(_temp.Path, NullLogger.Instance)) first.Append(Record("t-1"));

        using var log = new ReceiptLog(_temp.Path, NullLogger.Instance);
        log.Append(Record("t-1"));
        log.Append(Record("t-2"));

        Assert.True(log.Contains("t-1"));
        Assert.Equal(2, File.ReadAllLines(LogPath).Length);
    }

    [Fact]
    public void Reopen_TornLastLine_KeptAsItsOwnLine_NextRecordWhole()
    {
        using (var first = new ReceiptLog(_temp.Path, NullLogger.Instance)) first.Append(Record("t-1"));
        var torn = Record("t-2").ToJsonLine();
        File.AppendAllText(LogPath, torn[..(torn.Length / 2)]);

        using var log = new ReceiptLog(_temp.Path, NullLogger.Instance);
        log.Append(Record("t-2"));

        var lines = File.ReadAllLines(LogPath);
        Assert.Equal(3, lines.Length);
        Assert.Throws<FormatException>(() => ReceiptLogRecord.Parse(lines[1]));
        Assert.Equal("t-2", ReceiptLogRecord.Parse(lines[2]).TaskId);
    }

    public void Dispose() => _temp.Dispose();
}
