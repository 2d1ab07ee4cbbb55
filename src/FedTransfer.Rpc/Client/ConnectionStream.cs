using System.Net.Sockets;

namespace FedTransfer.Rpc.Client;

/// <summary>
/// The TCP stream under a channel's HTTP/2 connection (below TLS when TLS is used), shaping socket I/O for bulk
/// transfers: SocketsHttpHandler writes one 16 KiB DATA frame per call and reads in chunks of a few KiB, and on a
/// fast link each of those becomes a system call and, on the peer, a wake-up.
/// Writes are queued and sent by a background pump that takes everything queued so far in one send (write-behind,
/// bounded by <see cref="MaxQueuedBytes"/>); reads fetch whatever the socket has, up to a large buffer, and serve
/// the small reads from it (read-ahead). Order is preserved; a failed send fails the next write.
/// </summary>
internal sealed class ConnectionStream : Stream
{
    private const int ReadBufferSize = 256 * 1024;
    private const int MaxQueuedBytes = 4 * 1024 * 1024;

    private readonly Socket _socket;
    private readonly NetworkStream _inner;
    private readonly object _gate = new();
    private readonly byte[] _readBuffer = new byte[ReadBufferSize];
    private int _readStart;
    private int _readEnd;
    private MemoryStream _queued = new();
    private MemoryStream _spare = new();
    private int _inFlight;
    private bool _pumping;
    private Exception? _sendFailure;
    private TaskCompletionSource? _drained;

    public ConnectionStream(Socket socket)
    {
        _socket = socket;
        _inner = new NetworkStream(socket, ownsSocket: true);
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken).ConfigureAwait(false);
            return new ConnectionStream(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readStart == _readEnd)
        {
            if (buffer.Length >= ReadBufferSize)
            {
                return await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }

            _readStart = 0;
            _readEnd = await _inner.ReadAsync(_readBuffer, cancellationToken).ConfigureAwait(false);
            if (_readEnd == 0)
            {
                return 0;
            }
        }

        var count = Math.Min(buffer.Length, _readEnd - _readStart);
        _readBuffer.AsSpan(_readStart, count).CopyTo(buffer.Span);
        _readStart += count;
        return count;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_sendFailure is not null)
            {
                return ValueTask.FromException(new IOException("The connection failed while sending.", _sendFailure));
            }

            _queued.Write(buffer.Span);
            if (!_pumping)
            {
                // Not inline: the caller goes on queueing frames while the pump gets scheduled, so one send
                // carries all of them.
                _pumping = true;
                ThreadPool.UnsafeQueueUserWorkItem(static stream => _ = stream.PumpAsync(), this, preferLocal: false);
            }

            if (_queued.Length + _inFlight <= MaxQueuedBytes)
            {
                return ValueTask.CompletedTask;
            }
        }

        // Backpressure: a writer far ahead of the network waits until the queue has gone out.
        return new ValueTask(WaitForDrainAsync(cancellationToken));
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => WaitForDrainAsync(cancellationToken);

    private async Task WaitForDrainAsync(CancellationToken cancellationToken)
    {
        Task drained;
        lock (_gate)
        {
            if (!_pumping)
            {
                ThrowIfSendFailed();
                return;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained.Task;
        }

        await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            ThrowIfSendFailed();
        }
    }

    private void ThrowIfSendFailed()
    {
        if (_sendFailure is not null)
        {
            throw new IOException("The connection failed while sending.", _sendFailure);
        }
    }

    /// <summary>Sends everything queued, batch after batch, until the queue is empty.</summary>
    private async Task PumpAsync()
    {
        while (true)
        {
            MemoryStream batch;
            lock (_gate)
            {
                if (_queued.Length == 0 || _sendFailure is not null)
                {
                    _pumping = false;
                    _drained?.TrySetResult();
                    _drained = null;
                    return;
                }

                batch = _queued;
                _queued = _spare;
                _spare = batch;
                _inFlight = (int)batch.Length;
            }

            try
            {
                await _inner.WriteAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                lock (_gate)
                {
                    _sendFailure = ex;
                }
            }

            lock (_gate)
            {
                batch.SetLength(0);
                _inFlight = 0;
            }
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _socket.Dispose();
        }

        base.Dispose(disposing);
    }
}
