using FedTransfer.Contracts.V1;
using FedTransfer.Site.Results;
using FedTransfer.Site.Tests.Support;

namespace FedTransfer.Site.Tests.Results;

public sealed class ReceiptStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Append_TwoReceipts_AreReadBackInOrderOneJsonLineEach()
    {
        // Arrange
        var store = new ReceiptStore(_dir.Combine("cache"));
        var first = new Receipt { TaskId = "t1", Round = 1, Outcome = ResultOutcome.Accepted, PayloadSha256 = TestTasks.Digest("a"), PayloadBytes = 10 };
        var second = new Receipt { TaskId = "t2", Round = 2, Outcome = ResultOutcome.Rejected, Reason = "tensor 'x' has shape [2]" };

        // Act
        store.Append(first);
        store.Append(second);

        // Assert
        Assert.Equal([first, second], store.ReadAll());
        var lines = File.ReadAllLines(store.FilePath);
        Assert.Equal(2, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("{", l));
    }

    [Fact]
    public void ReadAll_TornLastLine_KeepsTheCompleteReceipts()
    {
        // Arrange
        var store = new ReceiptStore(_dir.Path);
        var kept = new Receipt { TaskId = "t1", Round = 1, Outcome = ResultOutcome.Accepted };
        store.Append(kept);
        File.AppendAllText(store.FilePath, "{\"taskId\": \"t2\", \"rou");

        // Act
        var receipts = store.ReadAll();

        // Assert
        Assert.Equal([kept], receipts);
    }

    [Fact]
    public void ReadAll_DamagedMiddleLine_IsReportedWithItsLineNumber()
    {
        // Arrange
        var store = new ReceiptStore(_dir.Path);
        File.WriteAllLines(store.FilePath, ["{\"taskId\": \"t1\"}", "garbage", "{\"taskId\": \"t3\"}"]);

        // Act
        var error = Assert.Throws<InvalidDataException>(() => store.ReadAll());

        // Assert
        Assert.Contains("receipts.jsonl:2", error.Message);
    }

    [Fact]
    public void ReadAll_NoFile_IsEmpty()
    {
        // Act / Assert
        Assert.Empty(new ReceiptStore(_dir.Combine("none")).ReadAll());
    }

    public void Dispose() => _dir.Dispose();
}
