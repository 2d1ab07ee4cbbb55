using FedTransfer.Rpc.Tests.Interop;
using FedTransfer.Rpc.Tests.Support;

namespace FedTransfer.Rpc.Tests.Server;

public sealed class GrpcServiceBuilderTests
{
    [Fact]
    public void Bind_MethodOfAnotherService_IsRejected()
    {
        var builder = new GrpcServiceBuilder("other.Service");

        var ex = Assert.Throws<ArgumentException>(() => builder.Unary(TestService.Echo, (r, _) => Task.FromResult(new EchoReply())));

        Assert.Contains("other.Service", ex.Message);
    }

    [Fact]
    public void Bind_WrongCallKind_IsRejected()
    {
        var builder = new GrpcServiceBuilder(TestService.Name);

        var ex = Assert.Throws<ArgumentException>(() => builder.ServerStreaming(TestService.Echo, (r, w, _) => Task.CompletedTask));

        Assert.Contains("Unary", ex.Message);
    }

    [Fact]
    public void Bind_SameMethodTwice_IsRejected()
    {
        var builder = new GrpcServiceBuilder(TestService.Name);
        builder.Unary(TestService.Echo, (r, _) => Task.FromResult(new EchoReply()));

        Assert.Throws<ArgumentException>(() => builder.Unary(TestService.Echo, (r, _) => Task.FromResult(new EchoReply())));
    }
}
