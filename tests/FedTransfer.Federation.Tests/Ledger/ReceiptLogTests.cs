using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Ledger;

public class ReceiptLogTests
{
    [Fact]
    public void Read_AcceptsSnakeCaseAndProtobufJson()
    {
        using var folder = new TempFolder();
        var path = folder.File("receipts.jsonl");
        File.WriteAllText(path,
            "{\"task_id\":\"t1\",\"site_id\":\"s\",\"run_id\":\"r\",\"round\":1,\"outcome\":\"Accepted\",\"payload_sha256\":\"ab\",\"payload_bytes\":10,\"received_unix_ms\":5}\n" +
            "\n" +
            "{\"taskId\":\"t2\",\"siteId\":\"s\",\"round\":2,\"payloadSha256\":\"cd\",\"payloadBytes\":\"20\",\"receivedUnixMs\":\"6\",\"signature\":\"AQI=\"}\n");

        var entries = ReceiptLog.Read(path);

        Assert.Equal(2, entries.Count);
        Assert.Equal(("t1", "s", 1, "ab", 10L), (entries[0].TaskId, entries[0].SiteId, entries[0].Round, entries[0].PayloadSha256, entries[0].PayloadBytes));
        Assert.Equal(("t2", 20L, 6L, "AQI=", 3L), (entries[1].TaskId, entries[1].PayloadBytes, entries[1].ReceivedUnixMs, entries[1].Signature, entries[1].Line));
    }

    [Fact]
    public void Read_BadLine_NamesIt()
    {
        using var folder = new TempFolder();
        var path = folder.File("receipts.jsonl");
        File.WriteAllText(path, "{\"task_id\":\"t1\"}\n{broken\n");

        var ex = Assert.Throws<FormatException>(() => ReceiptLog.Read(path));

        Assert.Contains("line 2", ex.Message);
    }
}
