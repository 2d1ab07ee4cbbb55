using System.Net;
using System.Net.Sockets;
using FedTransfer.Rpc.Client;

namespace FedTransfer.Rpc.Tests.Client;

public sealed class ConnectionStreamTests : IAsyncLifetime
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private ConnectionStream _stream = null!;
    private Socket _peer = null!;

    public async Task InitializeAsync()
    {
        _listener.Start();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = _listener.AcceptSocketAsync();
        await socket.ConnectAsync((IPEndPoint)_listener.LocalEndpoint);
        _peer = await accept.WaitAsync(TimeSpan.FromSeconds(10));
        _stream = new ConnectionStream(socket);
    }

    public Task DisposeAsync()
    {
        _stream.Dispose();
        _peer.Dispose();
        _listener.Stop();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task WriteAsync_ManySmallWrites_ArriveCompleteAndInOrder()
    {
        var random = new Random(5);
        var expected = new byte[3 * 1024 * 1024];
        random.NextBytes(expected);
        var receiving = ReceiveAsync(expected.Length);

        for (var position = 0; position < expected.Length;)
        {
            var size = Math.Min(random.Next(1, 40_000), expected.Length - position);
            await _stream.WriteAsync(expected.AsMemory(position, size));
            position += size;
        }

        await _stream.FlushAsync();
        Assert.Equal(expected, await receiving.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task ReadAsync_SmallReads_ReturnThePeersBytesInOrder()
    {
        var random = new Random(6);
        var expected = new byte[1024 * 1024 + 17];
        random.NextBytes(expected);
        var sending = _peer.SendAsync(expected);

        var received = new List<byte>();
        var buffer = new byte[9000];
        while (received.Count < expected.Length)
        {
            var read = await _stream.ReadAsync(buffer.AsMemory(0, random.Next(1, buffer.Length))).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(read > 0);
            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }

        await sending;
        Assert.Equal(expected, received.ToArray());
    }

    [Fact]
    public async Task ReadAsync_PeerClosed_ReturnsZero()
    {
        _peer.Shutdown(SocketShutdown.Send);

        Assert.Equal(0, await _stream.ReadAsync(new byte[10]).AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task WriteAsync_AfterPeerReset_FailsWithIOException()
    {
        _peer.LingerState = new LingerOption(true, 0);
        _peer.Close();

        var failure = await Record.ExceptionAsync(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                await _stream.WriteAsync(new byte[64 * 1024]);
                await _stream.FlushAsync();
            }
        });

        Assert.IsType<IOException>(failure);
    }

    private async Task<byte[]> ReceiveAsync(int length)
    {
        var buffer = new byte[length];
        var position = 0;
        while (position < length)
        {
            var read = await _peer.ReceiveAsync(buffer.AsMemory(position));
            if (read == 0)
            {
                break;
            }

            position += read;
        }

        return buffer;
    }
}
