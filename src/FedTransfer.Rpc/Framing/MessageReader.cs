using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;

namespace FedTransfer.Rpc.Framing;

/// <summary>
/// Reads length-prefixed messages from a <see cref="PipeReader"/> (Kestrel's request body, or the client's
/// response stream). Messages are parsed directly from the pipe's buffers; a frame may arrive in any number of
/// pieces. Not thread-safe: one reader per stream.
/// </summary>
internal sealed class MessageReader
{
    private const long CoalesceMissingBytes = 256 * 1024;
    private const long CoalesceGainedBytes = 64 * 1024;
    private static readonly TimeSpan CoalescePause = TimeSpan.FromMilliseconds(1);
    private readonly PipeReader _reader;
    private readonly int _maxMessageSize;
    private readonly string? _encoding;
    private bool _completed;

    public MessageReader(PipeReader reader, int maxMessageSize, string? encoding)
    {
        _reader = reader;
        _maxMessageSize = maxMessageSize;
        _encoding = encoding;
    }

    /// <summary>Reads the next message; null at the end of the stream. Protocol errors throw <see cref="RpcException"/>.</summary>
    public async ValueTask<T?> ReadAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        if (_completed)
        {
            return default;
        }

        var needed = 0;
        long seen = 0;
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                _reader.AdvanceTo(buffer.Start);
                throw new OperationCanceledException("Reading the message stream was cancelled.");
            }

            bool gotFrame;
            bool compressed;
            ReadOnlySequence<byte> payload;
            try
            {
                gotFrame = FrameCodec.TryReadFrame(buffer, _maxMessageSize, out compressed, out payload, out needed);
            }
            catch
            {
                _reader.AdvanceTo(buffer.Start);
                throw;
            }

            if (gotFrame)
            {
                var end = payload.End;
                try
                {
                    return Parse(parser, payload, compressed);
                }
                finally
                {
                    _reader.AdvanceTo(end);
                }
            }

            if (result.IsCompleted)
            {
                _reader.AdvanceTo(buffer.End);
                _completed = true;
                if (buffer.Length == 0)
                {
                    return default;
                }

                throw new RpcException(StatusCode.Internal,
                    $"The stream ended in the middle of a gRPC frame ({buffer.Length} bytes of an incomplete frame).");
            }

            // Nothing is consumed, everything is examined: the pipe wakes us only when more bytes arrive.
            _reader.AdvanceTo(buffer.Start, buffer.End);
            await CoalesceAsync(needed - buffer.Length, buffer.Length - seen, cancellationToken).ConfigureAwait(false);
            seen = buffer.Length;
        }
    }

    /// <summary>
    /// Both HTTP/2 stacks hand a large message over one DATA frame (16 KiB with SocketsHttpHandler) at a time and wake
    /// the reader for each. When much of a frame is still missing and the last read brought little, the sender is
    /// ahead of no one: pausing briefly lets the rest pile up, so a 1 MiB message costs a few wake-ups instead of 64.
    /// Small messages and fast-arriving data never pause.
    /// </summary>
    private static Task CoalesceAsync(long missing, long gained, CancellationToken cancellationToken) =>
        missing >= CoalesceMissingBytes && gained < CoalesceGainedBytes
            ? Task.Delay(CoalescePause, cancellationToken)
            : Task.CompletedTask;

    private T Parse<T>(MessageParser<T> parser, in ReadOnlySequence<byte> payload, bool compressed)
        where T : IMessage<T>
    {
        if (compressed)
        {
            if (!MessageCompression.IsCompressing(_encoding))
            {
                throw new RpcException(StatusCode.Internal,
                    $"Received a compressed message but the stream's grpc-encoding is '{_encoding ?? "identity"}'.");
            }

            var inflated = MessageCompression.Decompress(payload, _maxMessageSize);
            return ParseOrThrow(parser, new ReadOnlySequence<byte>(inflated));
        }

        return ParseOrThrow(parser, payload);
    }

    private static T ParseOrThrow<T>(MessageParser<T> parser, in ReadOnlySequence<byte> bytes)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(StatusCode.InvalidArgument,
                $"Message of {bytes.Length} bytes is not a valid {typeof(T).Name}: {ex.Message}", ex);
        }
    }
}
