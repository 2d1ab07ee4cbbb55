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
        while (true)
        {
            // Once the header told us the frame size, ask for all of it at once: a stream-backed reader then fills
            // it without returning here for every DATA frame of a large message.
            var result = needed > 0
                ? await _reader.ReadAtLeastAsync(needed, cancellationToken).ConfigureAwait(false)
                : await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
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
        }
    }

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
