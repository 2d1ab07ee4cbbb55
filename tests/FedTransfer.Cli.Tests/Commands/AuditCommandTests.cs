using FedTransfer.Cli.Commands;
using FedTransfer.Cli.Tests.TestSupport;

namespace FedTransfer.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class AuditCommandTests
{
    // Spectre wraps long lines at the test console's width; join them back before looking for phrases.
    private static string Flat(string output) => System.Text.RegularExpressions.Regex.Replace(output, @"\s*\n\s*", " ");

    [Fact]
    public async Task Verify_GoodLedger_ExitsZeroAndWarnsAboutTheDevelopmentKey()
    {
        using var ledger = new AuditLedger();

        var (code, raw) = await CliRun.InvokeAsync("audit", "verify", ledger.LedgerPath);

        var output = Flat(raw);
        Assert.Equal(0, code);
        Assert.Contains("VALID", output);
        Assert.Contains("NOT certified by a CA", output);
    }

    [Fact]
    public async Task Verify_TamperedLedger_ExitsNonZeroNamingTheRecord()
    {
        using var ledger = new AuditLedger();
        var lines = File.ReadAllLines(ledger.LedgerPath);
        lines[2] = lines[2].Replace("\"payload_bytes\":200", "\"payload_bytes\":201");
        File.WriteAllLines(ledger.LedgerPath, lines);

        var (code, raw) = await CliRun.InvokeAsync("audit", "verify", ledger.LedgerPath);

        var output = Flat(raw);
        Assert.Equal(AuditCommand.FindingsExitCode, code);
        Assert.Contains("INVALID", output);
        Assert.Contains("record 2 (line 3)", output);
    }

    [Fact]
    public async Task Verify_MissingCaFile_IsAOneLineError()
    {
        using var ledger = new AuditLedger();

        var (code, raw) = await CliRun.InvokeAsync("audit", "verify", ledger.LedgerPath, "--ca", "/nonexistent/ca.pem");

        var output = Flat(raw);
        Assert.Equal(1, code);
        Assert.Contains("CA certificate file '/nonexistent/ca.pem' does not exist", output);
    }

    [Fact]
    public async Task Report_WritesTableAndHtml()
    {
        using var ledger = new AuditLedger();
        var html = Path.Combine(ledger.Folder, "out", "report.html");

        var (code, raw) = await CliRun.InvokeAsync("audit", "report", ledger.LedgerPath, "--html", html);

        var output = Flat(raw);
        Assert.Equal(0, code);
        // Table cells wrap at the test console's width, so look for single words.
        Assert.Contains("lora.a", output);
        Assert.Contains("head.bias", output);
        Assert.Contains("trainable", output);
        Assert.Contains("Payload bytes sent: 200 B", output);
        Assert.True(File.Exists(html));
    }

    [Fact]
    public async Task Reconcile_MissingReceipt_ListsItAndExitsNonZero()
    {
        using var ledger = new AuditLedger();
        var log = Path.Combine(ledger.Folder, "receipts.jsonl");
        File.WriteAllText(log, "{\"task_id\":\"task-9\",\"site_id\":\"clinic <b>\",\"payload_sha256\":\"bb\",\"payload_bytes\":5}\n");

        var (code, raw) = await CliRun.InvokeAsync("audit", "reconcile", ledger.LedgerPath, log);

        var output = Flat(raw);
        Assert.Equal(AuditCommand.FindingsExitCode, code);
        Assert.Contains("task-9", output);
        Assert.Contains("task-1", output);
        Assert.Contains("MISMATCHES: 2", output);
    }
}
