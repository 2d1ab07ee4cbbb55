using System.Text;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;
using FedTransfer.Tests.Shared;

namespace FedTransfer.Federation.Tests.Ledger;

/// <summary>
/// The Python verifier, written from docs/AUDIT-FORMAT.md alone, agrees with this code on a CA-certified ledger and
/// receipt log (receipts naming the declared ledger heads), and finds what this code finds.
/// </summary>
public class IndependentVerifierTests
{
    // Rounds 1..n of ledger and receipt log, each receipt naming its push record (4, 9, 14, ...) as the declared head.
    private static void WriteWithDeclaredHeads(LedgerScenario s, int rounds)
    {
        using (var key = s.SiteKey())
        using (var writer = LedgerWriter.Open(s.LedgerPath, key))
        {
            for (var round = 1; round <= rounds; round++) s.WriteRound(writer, round);
        }
        var lines = s.Lines();
        File.WriteAllLines(s.ReceiptLogPath, Enumerable.Range(1, rounds).Select(r => s.ReceiptLogLine($"task-{r}", r, LedgerScenario.PayloadSha(r),
            head: new LedgerHead(5 * r - 1, LedgerFormat.Hash(Encoding.UTF8.GetBytes(lines[5 * r - 1]))))));
    }

    [Fact]
    public async Task CertifiedLedgerAndReceiptLog_VerifyInPython()
    {
        using var s = new LedgerScenario();
        WriteWithDeclaredHeads(s, 3);

        var (code, output) = await IndependentVerifier.RunAsync(s.LedgerPath, "--ca", s.CaPath, "--receipts", s.ReceiptLogPath);

        Assert.True(code == 0, output);
        Assert.Contains("VALID", output);
        Assert.Contains($"sha256 {s.Verify().HeadHash}", output);
    }

    [Fact]
    public async Task ChangedRecord_IsInvalidInPythonAtThatRecord()
    {
        using var s = new LedgerScenario();
        WriteWithDeclaredHeads(s, 2);
        var lines = s.Lines();
        lines[7] = lines[7].Replace("run-1", "run-2");
        s.WriteLines(lines);

        var (code, output) = await IndependentVerifier.RunAsync(s.LedgerPath, "--ca", s.CaPath);

        Assert.Equal(2, code);
        Assert.Contains("record 7 (line 8)", output);
        Assert.Contains("signature does not verify", output);
    }

    [Fact]
    public async Task LedgerCutAfterAReceiptedResult_IsInvalidInPythonWithTheReceipts()
    {
        using var s = new LedgerScenario();
        WriteWithDeclaredHeads(s, 3);
        s.WriteLines(s.Lines().Take(12));

        var alone = await IndependentVerifier.RunAsync(s.LedgerPath, "--ca", s.CaPath);
        var withReceipts = await IndependentVerifier.RunAsync(s.LedgerPath, "--ca", s.CaPath, "--receipts", s.ReceiptLogPath);

        Assert.True(alone.Code == 0, alone.Output);
        Assert.Equal(2, withReceipts.Code);
        Assert.Contains("cut", withReceipts.Output);
    }

    [Fact]
    public async Task ForgedReceiptInTheLog_IsInvalidInPython()
    {
        using var s = new LedgerScenario();
        WriteWithDeclaredHeads(s, 2);
        var log = File.ReadAllLines(s.ReceiptLogPath);
        log[1] = log[1].Replace("\"payload_bytes\":1500", "\"payload_bytes\":1499");
        File.WriteAllLines(s.ReceiptLogPath, log);

        var (code, output) = await IndependentVerifier.RunAsync(s.LedgerPath, "--ca", s.CaPath, "--receipts", s.ReceiptLogPath);

        Assert.Equal(2, code);
        Assert.Contains("receipt log line 2", output);
    }

    [Fact]
    public async Task RotatedLedgerFolder_VerifiesInPython_AndAMissingSegmentDoesNot()
    {
        using var s = new LedgerScenario();
        using (var key = s.SiteKey())
        using (var writer = LedgerWriter.Open(s.LedgerPath, key, syncEachRecord: false, maxSegmentBytes: 16 * 1024))
        {
            for (var round = 1; round <= 20; round++) s.WriteRound(writer, round);
        }
        var closed = LedgerSegments.Closed(s.LedgerPath);

        var whole = await IndependentVerifier.RunAsync(s.Folder.Path, "--ca", s.CaPath);
        File.Delete(closed[1]);
        var gap = await IndependentVerifier.RunAsync(s.Folder.Path, "--ca", s.CaPath);

        Assert.True(closed.Count >= 2, $"{closed.Count} closed segments");
        Assert.True(whole.Code == 0, whole.Output);
        Assert.Equal(2, gap.Code);
        Assert.Contains(Path.GetFileName(closed[2]), gap.Output);
    }
}
