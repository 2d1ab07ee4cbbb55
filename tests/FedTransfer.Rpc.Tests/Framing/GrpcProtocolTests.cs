using FedTransfer.Rpc.Framing;

namespace FedTransfer.Rpc.Tests.Framing;

public sealed class GrpcProtocolTests
{
    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("application/grpc; charset=utf-8", true)]
    [InlineData("application/grpc+json", false)]
    [InlineData("application/grpcx", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void IsGrpcProtoContentType_AcceptsProtoFamilyOnly(string? contentType, bool expected)
    {
        Assert.Equal(expected, GrpcProtocol.IsGrpcProtoContentType(contentType));
    }

    [Theory]
    [InlineData("identity,gzip", true)]
    [InlineData("identity, deflate, gzip", true)]
    [InlineData("identity", false)]
    [InlineData(null, false)]
    public void AcceptsEncoding_FindsGzipInList(string? header, bool expected)
    {
        Assert.Equal(expected, GrpcProtocol.AcceptsEncoding(header, "gzip"));
    }
}
