using System.Buffers;
using FedTransfer.Rpc.Framing;
using FedTransfer.Rpc.Tests.Interop;

namespace FedTransfer.Rpc.Tests.Framing;

public sealed class MessageCompressionTests
{
    [Fact]
    public void WriteCompressed_ThenDecompress_RoundTripsWithFlagSet()
    {
        var message = new EchoRequest { Text = string.Concat(Enumerable.Repeat("federated ", 1000)) };
        var buffer = new ArrayBufferWriter<byte>();

        MessageCompression.WriteCompressed(buffer, message, message.CalculateSize());
        Assert.True(FrameCodec.TryReadFrame(new ReadOnlySequence<byte>(buffer.WrittenMemory), int.MaxValue, out var compressed, out var payload));
        var inflated = MessageCompression.Decompress(payload, 1024 * 1024);

        Assert.True(compressed);
        Assert.True(payload.Length < message.CalculateSize() / 10);
        Assert.Equal(message, EchoRequest.Parser.ParseFrom(inflated));
    }

    [Fact]
    public void Decompress_NotGzip_ThrowsInternal()
    {
        var ex = Assert.Throws<RpcException>(() => MessageCompression.Decompress(new ReadOnlySequence<byte>([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 100));

        Assert.Equal(StatusCode.Internal, ex.Status);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("identity", true)]
    [InlineData("gzip", true)]
    [InlineData("snappy", false)]
    [InlineData("deflate", false)]
    public void IsSupported_IdentityAndGzipOnly(string? encoding, bool expected)
    {
        Assert.Equal(expected, MessageCompression.IsSupported(encoding));
    }
}
