using FedTransfer.Rpc.Tests.Interop;

namespace FedTransfer.Rpc.Tests;

public sealed class MethodTests
{
    [Fact]
    public void FullName_IsSlashServiceSlashMethod()
    {
        var method = new Method<EchoRequest, EchoReply>(MethodType.Unary, "fedtransfer.v1.Federation", "Join", EchoRequest.Parser, EchoReply.Parser);

        Assert.Equal("/fedtransfer.v1.Federation/Join", method.FullName);
        Assert.Equal(MethodType.Unary, method.Type);
        Assert.Same(EchoRequest.Parser, method.RequestParser);
    }

    [Theory]
    [InlineData("", "Join")]
    [InlineData("svc", "")]
    [InlineData("a/b", "Join")]
    [InlineData("svc", "Jo in")]
    public void Constructor_InvalidNames_Throw(string service, string name)
    {
        Assert.Throws<ArgumentException>(() => new Method<EchoRequest, EchoReply>(MethodType.Unary, service, name, EchoRequest.Parser, EchoReply.Parser));
    }
}
