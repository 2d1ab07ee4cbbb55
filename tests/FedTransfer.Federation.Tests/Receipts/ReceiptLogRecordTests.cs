using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FedTransfer.Federation.Identity;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Receipts;

namespace FedTransfer.Federation.Tests.Receipts;

public sealed class ReceiptLogRecordTests
{
    private static ReceiptLogRecord Signed()
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateIssuer.CreateAuthority("ca", now.AddDays(-1), now.AddDays(1));
        using var coordinator = CertificateIssuer.Issue(ca, "coordinator", ParticipantRole.Coordinator, now.AddHours(-1), now.AddDays(1));
        var unsigned = new ReceiptLogRecord("t-1", "site-a", "run-1", 3, "accepted", "", new string('b', 64), 4096, 1_700_000_000_000, [], coordinator.ExportCertificatePem());
        using var key = coordinator.GetECDsaPrivateKey()!;
        return unsigned with { Signature = ReceiptSigning.Sign(key, unsigned.CanonicalBytes()) };
    }

    [Fact]
    public void JsonLine_RoundTrips_AndVerifies()
    {
        var record = Signed();

        var back = ReceiptLogRecord.Parse(record.ToJsonLine());

        Assert.Equal(record.CanonicalBytes(), back.CanonicalBytes());
        Assert.Equal(record.Signature, back.Signature);
        Assert.True(back.VerifySignature());
        Assert.Contains("\"task_id\":\"t-1\"", record.ToJsonLine());
    }

    [Fact]
    public void VerifySignature_TamperedField_False()
    {
        var record = Signed();

        Assert.False((record with { PayloadBytes = 4097 }).VerifySignature());
        Assert.False((record with { Outcome = "rejected" }).VerifySignature());
    }

    [Theory]
    [InlineData("{\"task_id\":\"t")]
    [InlineData("{\"task_id\":\"t\"}")]
    [InlineData("not json")]
    public void Parse_Broken_FormatException(string line)
    {
        Assert.Throws<FormatException>(() => ReceiptLogRecord.Parse(line));
    }
}
