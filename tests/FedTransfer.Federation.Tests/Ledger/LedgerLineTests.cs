using System.Text;
using FedTransfer.Federation.Ledger;

namespace FedTransfer.Federation.Tests.Ledger;

public class LedgerLineTests
{
    [Fact]
    public void WithSignature_ThenTryUnsigned_RoundTrips()
    {
        var unsigned = Encoding.UTF8.GetBytes("{\"v\":1,\"prev\":\"00\"}");
        var signature = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();

        var line = LedgerLine.WithSignature(unsigned, signature);
        var buffer = new byte[line.Length];
        var ok = LedgerLine.TryUnsigned(line, 88, buffer, out var written);

        Assert.Equal("{\"v\":1,\"prev\":\"00\",\"sig\":\"" + Convert.ToBase64String(signature) + "\"}", Encoding.UTF8.GetString(line));
        Assert.True(ok);
        Assert.Equal(unsigned, buffer[..written]);
    }

    [Fact]
    public void TryUnsigned_NoSignatureAtTheEnd_IsFalse()
    {
        var line = Encoding.UTF8.GetBytes("{\"v\":1,\"prev\":\"00\"}");

        Assert.False(LedgerLine.TryUnsigned(line, 88, new byte[100], out _));
    }
}
