using System.Buffers;
using FedTransfer.Rpc.Framing;
using FedTransfer.Rpc.Tests.Interop;
using Google.Protobuf;

namespace FedTransfer.Rpc.Tests.Framing;

public sealed class FrameCodecTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(200_000)]
    public void WriteMessage_ThenTryReadFrame_RoundTrips(int payloadSize)
    {
        var message = new Chunk { Offset = 42, Data = ByteString.CopyFrom(Enumerable.Range(0, payloadSize).Select(i => (byte)i).ToArray()) };
        var buffer = new ArrayBufferWriter<byte>();

        FrameCodec.WriteMessage(buffer, message, message.CalculateSize());
        var ok = FrameCodec.TryReadFrame(new ReadOnlySequence<byte>(buffer.WrittenMemory), int.MaxValue, out var compressed, out var payload);

        Assert.True(ok);
        Assert.False(compressed);
        Assert.Equal(message, Chunk.Parser.ParseFrom(payload));
        Assert.Equal(buffer.WrittenCount, 5 + (int)payload.Length);
    }

    [Fact]
    public void WriteMessage_PrefixIsFlagThenBigEndianLength()
    {
        var message = new EchoRequest { Text = new string('x', 300) };
        var buffer = new ArrayBufferWriter<byte>();

        FrameCodec.WriteMessage(buffer, message, message.CalculateSize());

        var size = message.CalculateSize();
        Assert.Equal(new byte[] { 0, (byte)(size >> 24), (byte)(size >> 16), (byte)(size >> 8), (byte)size }, buffer.WrittenSpan[..5].ToArray());
    }

    [Fact]
    public void TryReadFrame_IncompleteHeaderOrPayload_NeedsMoreData()
    {
        byte[] frame = [0, 0, 0, 0, 3, 1, 2, 3];

        for (var length = 0; length < frame.Length; length++)
        {
            Assert.False(FrameCodec.TryReadFrame(new ReadOnlySequence<byte>(frame, 0, length), 100, out _, out _));
        }

        Assert.True(FrameCodec.TryReadFrame(new ReadOnlySequence<byte>(frame), 100, out _, out _));
    }

    [Fact]
    public void TryReadFrame_LengthOverLimit_ThrowsResourceExhaustedFromHeaderAlone()
    {
        byte[] header = [0, 0, 0, 1, 0];

        var ex = Assert.Throws<RpcException>(() => FrameCodec.TryReadFrame(new ReadOnlySequence<byte>(header), 255, out _, out _));

        Assert.Equal(StatusCode.ResourceExhausted, ex.Status);
    }

    [Fact]
    public void TryReadFrame_FlagAboveOne_ThrowsInternal()
    {
        byte[] frame = [2, 0, 0, 0, 0];

        var ex = Assert.Throws<RpcException>(() => FrameCodec.TryReadFrame(new ReadOnlySequence<byte>(frame), 10, out _, out _));

        Assert.Equal(StatusCode.Internal, ex.Status);
    }
}
