using FedTransfer.Cli.Commands;
using FedTransfer.Cli.Tests.TestSupport;
using FedTransfer.Federation.Ledger;

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
    public async Task Reconcile_OrphansOnBothSides_ListsThemAndExitsNonZero()
    {
        using var ledger = new AuditLedger();
        var log = Path.Combine(ledger.Folder, "receipts.jsonl");
        File.WriteAllText(log, SignedReceiptLine("task-9", "clinic <b>", new string('b', 64), 5) + "\n");

        var (code, raw) = await CliRun.InvokeAsync("audit", "reconcile", ledger.LedgerPath, log);

        var output = Flat(raw);
        Assert.Equal(AuditCommand.FindingsExitCode, code);
        Assert.Contains("task-9", output);
        Assert.Contains("task-1", output);
        Assert.Contains("INCONSISTENT: 2 problem(s)", output);
    }

    [Fact]
    public async Task Reconcile_EmptyLedgerFile_IsNotReconciled()
    {
        using var ledger = new AuditLedger();
        var empty = Path.Combine(ledger.Folder, "empty.jsonl");
        File.WriteAllText(empty, "");
        var log = Path.Combine(ledger.Folder, "receipts.jsonl");
        File.WriteAllText(log, SignedReceiptLine("task-1", "clinic <b>", AuditLedger.Sha, 200) + "\n");

        var (code, raw) = await CliRun.InvokeAsync("audit", "reconcile", empty, log);

        var output = Flat(raw);
        Assert.Equal(AuditCommand.FindingsExitCode, code);
        Assert.Contains("NOT RECONCILED", output);
        Assert.DoesNotContain("CONSISTENT:", output);
    }

    [Fact]
    public async Task Verify_WithReceiptsDeclaringAHeadBeyondTheEnd_ReportsTheCut()
    {
        using var ledger = new AuditLedger();
        var log = ReceiptLogForTheSentPush(ledger);
        var (validCode, _) = await CliRun.InvokeAsync("audit", "verify", ledger.LedgerPath, "--receipts", log);
        File.AppendAllText(log, SignedReceiptLine("task-2", "clinic <b>", AuditLedger.Sha, 200, new LedgerHead(9, new string('d', 64))) + "\n");

        var (code, raw) = await CliRun.InvokeAsync("audit", "verify", ledger.LedgerPath, "--receipts", log, "--threads", "1");

        Assert.Equal(0, validCode);
        var output = Flat(raw);
        Assert.Equal(AuditCommand.FindingsExitCode, code);
        Assert.Contains("INVALID", output);
        Assert.Contains("cut after record 3", output);
    }

    [Fact]
    public async Task Bundle_VerifiesOfflineWithItsReceipts_AndADamagedCopyIsOneLine()
    {
        using var ledger = new AuditLedger();
        var log = ReceiptLogForTheSentPush(ledger);
        var bundle = Path.Combine(ledger.Folder, "audit.zip");

        var (bundleCode, _) = await CliRun.InvokeAsync("audit", "bundle", ledger.Folder, "--receipts", log, "--out", bundle);
        var (code, raw) = await CliRun.InvokeAsync("audit", "verify", bundle);
        // The bundle's ledger entry with one byte changed, the manifest left as it was.
        using (var zip = System.IO.Compression.ZipFile.Open(bundle, System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("ledger/ledger.jsonl")!;
            string text;
            using (var reader = new StreamReader(entry.Open())) text = reader.ReadToEnd();
            entry.Delete();
            using var writer = new StreamWriter(zip.CreateEntry("ledger/ledger.jsonl").Open());
            writer.Write(text.Replace("run-1", "run-2"));
        }
        var (damagedCode, damaged) = await CliRun.InvokeAsync("audit", "verify", bundle);

        Assert.Equal(0, bundleCode);
        Assert.True(code == 0, raw);
        Assert.Contains("every ledger head declared", Flat(raw));
        Assert.Equal(1, damagedCode);
        Assert.Contains("does not match its manifest", Flat(damaged));
    }

    // The coordinator's log with the receipt of the ledger's sent push (record 2), which it names as the declared head.
    private static string ReceiptLogForTheSentPush(AuditLedger ledger)
    {
        var pushLine = File.ReadAllLines(ledger.LedgerPath)[2];
        var log = Path.Combine(ledger.Folder, "receipts.jsonl");
        var head = new LedgerHead(2, LedgerFormat.Hash(System.Text.Encoding.UTF8.GetBytes(pushLine)));
        File.WriteAllText(log, SignedReceiptLine("task-1", "clinic <b>", AuditLedger.Sha, 200, head) + "\n");
        return log;
    }

    // A receipt signed by a self-signed development coordinator certificate, as a coordinator without TLS writes it.
    private static string SignedReceiptLine(string task, string site, string sha, long bytes, LedgerHead? head = null)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=dev coordinator, OU=coordinator", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var received = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var signature = ReceiptSigning.Sign(key, ReceiptSigning.CanonicalBytes(task, site, "run-1", 1, "accepted", sha, bytes, received, head));
        return new FedTransfer.Federation.Receipts.ReceiptLogRecord(task, site, "run-1", 1, "accepted", "", sha, bytes, received, signature,
            certificate.ExportCertificatePem()) { LedgerHeadSeq = head?.Sequence, LedgerHeadSha256 = head?.Sha256 }.ToJsonLine();
    }
}
