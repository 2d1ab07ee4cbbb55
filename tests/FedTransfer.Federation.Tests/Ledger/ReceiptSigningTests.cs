using System.Security.Cryptography;
using System.Text;
using FedTransfer.Federation.Ledger;

namespace FedTransfer.Federation.Tests.Ledger;

public class ReceiptSigningTests
{
    private static byte[] Sample(string taskId = "t-1", long bytes = 1234) =>
        ReceiptSigning.CanonicalBytes(taskId, "site-a", "run-7", 3, "accepted", "ab12", bytes, 1_700_000_000_123);

    [Fact]
    public void CanonicalBytes_HasFixedLayout()
    {
        var text = Encoding.UTF8.GetString(Sample());

        Assert.Equal(
            "fedtransfer-receipt-v1\ntask=t-1\nsite=site-a\nrun=run-7\nround=3\noutcome=accepted\n" +
            "payload_sha256=ab12\npayload_bytes=1234\nreceived_unix_ms=1700000000123\n", text);
    }

    [Fact]
    public void CanonicalBytes_DifferentFields_DifferentBytes()
    {
        Assert.NotEqual(Sample(), Sample(taskId: "t-2"));
        Assert.NotEqual(Sample(), Sample(bytes: 1235));
    }

    [Theory]
    [InlineData("t\n1")]
    [InlineData("t\r1")]
    public void CanonicalBytes_LineBreakInField_Throws(string taskId)
    {
        var ex = Assert.Throws<ArgumentException>(() => Sample(taskId: taskId));

        Assert.Contains("taskId", ex.Message);
    }

    [Fact]
    public void CanonicalBytes_NullField_Throws()
    {
        Assert.Throws<ArgumentNullException>(() =>
            ReceiptSigning.CanonicalBytes("t", null!, "r", 1, "accepted", "ab", 1, 1));
    }

    [Fact]
    public void NonAscii_IsEncodedAsUtf8()
    {
        var bytes = ReceiptSigning.CanonicalBytes("t", "hôpital", "r", 1, "accepted", "ab", 1, 1);

        Assert.Contains("site=hôpital\n", Encoding.UTF8.GetString(bytes));
        Assert.Equal(Encoding.UTF8.GetByteCount(Encoding.UTF8.GetString(bytes)), bytes.Length);
    }

    [Fact]
    public void SignThenVerify_RoundTrips_AndDetectsChange()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bytes = Sample();

        var signature = ReceiptSigning.Sign(key, bytes);

        Assert.Equal(64, signature.Length);
        Assert.True(ReceiptSigning.Verify(key, bytes, signature));
        Assert.False(ReceiptSigning.Verify(key, Sample(bytes: 9), signature));
    }
}
