using System.Text;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Ledger;

public class LedgerReaderTests
{
    [Fact]
    public void Lines_SplitsOnNewline_AndMarksAnUnterminatedLast()
    {
        using var folder = new TempFolder();
        var path = folder.File("l.jsonl");
        var longLine = new string('x', 3 << 20); // longer than the reader's first buffer
        File.WriteAllText(path, "a\n" + longLine + "\nlast");

        var lines = LedgerReader.Lines(path).Select(l => (l.LineNumber, Encoding.UTF8.GetString(l.Bytes.Span), l.Terminated)).ToList();

        Assert.Equal([(1L, "a", true), (2L, longLine, true), (3L, "last", false)], lines);
    }

    [Fact]
    public void Lines_EmptyFile_YieldsNothing()
    {
        using var folder = new TempFolder();
        var path = folder.File("e.jsonl");
        File.WriteAllText(path, "");

        Assert.Empty(LedgerReader.Lines(path));
    }
}
