using System.IO.Pipelines;
using FedTransfer.Rpc.Framing;
using FedTransfer.Rpc.Tests.Interop;
using FedTransfer.Rpc.Tests.Support;
using Google.Protobuf;

namespace FedTransfer.Rpc.Tests.Framing;

public sealed class MessageReaderTests
{
    [Fact]
    public async Task ReadAsync_RandomSplitsOfTheByteStream_YieldsTheSameMessages()
    {
        // Property: however the transport cuts the stream (1 byte, mid-header, mid-payload, many frames at once),
        // the reader returns exactly the messages that were written, in order. Fixed seeds keep it reproducible.
        for (var seed = 0; seed < 40; seed++)
        {
            var random = new Random(seed);
            var messages = Enumerable.Range(0, random.Next(1, 30)).Select(i => RandomChunk(random, i)).ToList();
            var stream = messages.SelectMany(RawHttp2Client.Frame).ToArray();
            var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0, minimumSegmentSize: 16));
            var writer = WriteInRandomPiecesAsync(pipe.Writer, stream, random);
            var reader = new MessageReader(pipe.Reader, 1024 * 1024, encoding: null);

            var read = new List<Chunk>();
            while (await reader.ReadAsync(Chunk.Parser, CancellationToken.None) is { } chunk)
            {
                read.Add(chunk);
            }

            await writer;
            Assert.Equal(messages, read);
        }
    }

    [Fact]
    public async Task ReadAsync_LargeFramesTricklingIn_AreReassembledExactly()
    {
        // 1 MiB messages arriving in 16 KiB pieces with pauses: the reader's wait-for-more-data path for big frames.
        var random = new Random(99);
        var messages = Enumerable.Range(0, 3).Select(i =>
        {
            var data = new byte[1024 * 1024 - i];
            random.NextBytes(data);
            return new Chunk { Offset = i, Data = ByteString.CopyFrom(data) };
        }).ToList();
        var bytes = messages.SelectMany(RawHttp2Client.Frame).ToArray();
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 0));
        var writer = Task.Run(async () =>
        {
            for (var position = 0; position < bytes.Length; position += 16 * 1024)
            {
                await pipe.Writer.WriteAsync(bytes.AsMemory(position, Math.Min(16 * 1024, bytes.Length - position)));
                if (position % (256 * 1024) == 0)
                {
                    await Task.Delay(2);
                }
            }

            await pipe.Writer.CompleteAsync();
        });
        var reader = new MessageReader(pipe.Reader, 2 * 1024 * 1024, encoding: null);

        var read = new List<Chunk>();
        while (await reader.ReadAsync(Chunk.Parser, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30)) is { } chunk)
        {
            read.Add(chunk);
        }

        await writer;
        Assert.Equal(messages, read);
    }

    [Fact]
    public async Task ReadAsync_StreamEndsInsideAFrame_ThrowsInternal()
    {
        var frame = RawHttp2Client.Frame(new Chunk { Offset = 1, Data = ByteString.CopyFrom(new byte[100]) });
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(frame.AsMemory(0, frame.Length - 1));
        await pipe.Writer.CompleteAsync();
        var reader = new MessageReader(pipe.Reader, 1024, encoding: null);

        var ex = await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(Chunk.Parser, CancellationToken.None).AsTask());

        Assert.Equal(StatusCode.Internal, ex.Status);
    }

    [Fact]
    public async Task ReadAsync_EmptyStream_ReturnsNull()
    {
        var pipe = new Pipe();
        await pipe.Writer.CompleteAsync();
        var reader = new MessageReader(pipe.Reader, 1024, encoding: null);

        Assert.Null(await reader.ReadAsync(Chunk.Parser, CancellationToken.None));
    }

    [Fact]
    public async Task ReadAsync_GzipFrame_IsInflated()
    {
        var message = new EchoRequest { Text = new string('a', 5000) };
        var pipe = new Pipe();
        MessageCompression.WriteCompressed(pipe.Writer, message, message.CalculateSize());
        await pipe.Writer.CompleteAsync();
        var reader = new MessageReader(pipe.Reader, 1024 * 1024, encoding: "gzip");

        Assert.Equal(message, await reader.ReadAsync(EchoRequest.Parser, CancellationToken.None));
    }

    [Fact]
    public async Task ReadAsync_GzipBombOverLimit_IsResourceExhausted()
    {
        var message = new EchoRequest { Text = new string('a', 100_000) };
        var pipe = new Pipe();
        MessageCompression.WriteCompressed(pipe.Writer, message, message.CalculateSize());
        await pipe.Writer.CompleteAsync();
        var reader = new MessageReader(pipe.Reader, 10_000, encoding: "gzip");

        var ex = await Assert.ThrowsAsync<RpcException>(() => reader.ReadAsync(EchoRequest.Parser, CancellationToken.None).AsTask());

        Assert.Equal(StatusCode.ResourceExhausted, ex.Status);
    }

    [Fact]
    public async Task ReadAsync_Cancelled_ThrowsOperationCanceled()
    {
        var pipe = new Pipe();
        var reader = new MessageReader(pipe.Reader, 1024, encoding: null);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader.ReadAsync(Chunk.Parser, cts.Token).AsTask());
    }

    private static Chunk RandomChunk(Random random, int index)
    {
        // Include empty messages (a 5-byte frame with no payload) and frames bigger than pipe segments.
        var data = new byte[random.Next(0, 4) == 0 ? 0 : random.Next(1, 70_000)];
        random.NextBytes(data);
        return new Chunk { Offset = index, Data = ByteString.CopyFrom(data) };
    }

    private static async Task WriteInRandomPiecesAsync(PipeWriter writer, byte[] bytes, Random random)
    {
        var position = 0;
        while (position < bytes.Length)
        {
            var piece = Math.Min(bytes.Length - position, random.Next(0, 3) switch { 0 => random.Next(1, 6), 1 => random.Next(1, 300), _ => random.Next(1, 100_000) });
            await writer.WriteAsync(bytes.AsMemory(position, piece));
            position += piece;
            if (random.Next(4) == 0)
            {
                await Task.Yield();
            }
        }

        await writer.CompleteAsync();
    }
}
