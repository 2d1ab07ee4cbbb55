namespace FedTransfer.Rpc.Tests;

public sealed class RpcExceptionTests
{
    [Fact]
    public void Constructor_CarriesStatusDetailAndReadableMessage()
    {
        var inner = new IOException("disk");

        var ex = new RpcException(StatusCode.NotFound, "artifact abc missing", inner);

        Assert.Equal(StatusCode.NotFound, ex.Status);
        Assert.Equal("artifact abc missing", ex.Detail);
        Assert.Equal("Status(NotFound): artifact abc missing", ex.Message);
        Assert.Same(inner, ex.InnerException);
    }

    [Fact]
    public void StatusCode_ValuesMatchTheWire()
    {
        Assert.Equal(0, (int)StatusCode.OK);
        Assert.Equal(4, (int)StatusCode.DeadlineExceeded);
        Assert.Equal(12, (int)StatusCode.Unimplemented);
        Assert.Equal(14, (int)StatusCode.Unavailable);
        Assert.Equal(16, (int)StatusCode.Unauthenticated);
    }
}
