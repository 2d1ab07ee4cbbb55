using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Ledger;

public class ReceiptLogVerifierTests
{
    [Fact]
    public void Verify_SignedLog_ReturnsItsReceiptsWithTheirDeclaredHeads()
    {
        using var s = new LedgerScenario();
        var head = new LedgerHead(4, new string('c', 64));
        File.WriteAllLines(s.ReceiptLogPath, [s.ReceiptLogLine("task-1", 1, LedgerScenario.PayloadSha(1), head: head), s.ReceiptLogLine("task-2", 2, LedgerScenario.PayloadSha(2))]);

        var result = ReceiptLogVerifier.Verify(s.ReceiptLogPath, CertificateTrust.FromPemFile(s.CaPath));

        Assert.True(result.IsValid, result.Failure);
        Assert.Equal([head, null], result.Receipts.Select(r => r.LedgerHead));
    }

    [Fact]
    public void Verify_ChangedDeclaredHead_NamesTheLine()
    {
        using var s = new LedgerScenario();
        var line = s.ReceiptLogLine("task-1", 1, LedgerScenario.PayloadSha(1), head: new LedgerHead(4, new string('c', 64)));
        File.WriteAllLines(s.ReceiptLogPath, [line.Replace("\"ledger_head_seq\":4", "\"ledger_head_seq\":3")]);

        var result = ReceiptLogVerifier.Verify(s.ReceiptLogPath, CertificateTrust.FromPemFile(s.CaPath));

        Assert.Contains("line 1", result.Failure);
        Assert.Contains("does not verify", result.Failure);
    }

    [Fact]
    public void Verify_CoordinatorOfAnotherCa_IsRefused()
    {
        using var s = new LedgerScenario();
        s.WriteReceiptLog(1);
        using var other = new TestPki("Other CA");
        var otherCa = s.Folder.File("other-ca.pem");
        File.WriteAllText(otherCa, other.Ca.ExportCertificatePem());

        var result = ReceiptLogVerifier.Verify(s.ReceiptLogPath, CertificateTrust.FromPemFile(otherCa));

        Assert.Contains("does not chain", result.Failure);
    }

    [Fact]
    public void Verify_GarbageLine_NamesItWithoutThrowing()
    {
        using var s = new LedgerScenario();
        s.WriteReceiptLog(1, "{not json");

        var result = ReceiptLogVerifier.Verify(s.ReceiptLogPath, null);

        Assert.Contains("line 2", result.Failure);
    }
}
