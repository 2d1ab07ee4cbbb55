using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using FedTransfer.Rpc.Framing;
using Google.Protobuf;

namespace FedTransfer.Rpc.Client;

/// <summary>Serialization of request messages into gRPC frames, shared by the unary and streaming contents.</summary>
internal static class RequestFrames
{
    public static readonly MediaTypeHeaderValue ContentType = new(GrpcProtocol.ContentType);

    public static void Write(IBufferWriter<byte> writer, IMessage message, int? maxSendSize, bool compress)
    {
        var size = message.CalculateSize();
        if (maxSendSize is { } max && size > max)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"Request message of {size} bytes exceeds the channel's MaxSendMessageSize of {max} bytes.");
        }

        if (compress)
        {
            MessageCompression.WriteCompressed(writer, message, size);
        }
        else
        {
            FrameCodec.WriteMessage(writer, message, size);
        }
    }

    /// <summary>One request message as a ready frame, serialized once so every retry sends the same bytes.</summary>
    public static byte[] Single(IMessage message, int? maxSendSize, bool compress)
    {
        var buffer = new ArrayBufferWriter<byte>(FrameCodec.HeaderSize + message.CalculateSize());
        Write(buffer, message, maxSendSize, compress);
        return buffer.WrittenSpan.ToArray();
    }

    public static ByteArrayContent SingleContent(byte[] frame)
    {
        var content = new ByteArrayContent(frame);
        content.Headers.ContentType = ContentType;
        return content;
    }
}

/// <summary>
/// A request body that pulls messages from the caller's <see cref="IAsyncEnumerable{T}"/> and writes each as a
/// frame the moment it is produced (flushing it), so client-streaming and duplex calls really stream and large
/// uploads never sit in memory. Remembers whether it took any message (a retry must not replay a consumed stream)
/// and the caller's own failure, so the call can report it.
/// </summary>
internal sealed class StreamingRequestContent<T> : HttpContent
    where T : IMessage<T>
{
    private const int WriteBufferSize = 64 * 1024;
    private readonly IAsyncEnumerable<T> _messages;
    private readonly int? _maxSendSize;
    private readonly bool _compress;
    private readonly CancellationToken _callToken;
    private int _started;

    public StreamingRequestContent(IAsyncEnumerable<T> messages, int? maxSendSize, bool compress, CancellationToken callToken)
    {
        _messages = messages;
        _maxSendSize = maxSendSize;
        _compress = compress;
        _callToken = callToken;
        Headers.ContentType = RequestFrames.ContentType;
    }

    /// <summary>True once a message was taken from the caller's sequence.</summary>
    public bool Started => Volatile.Read(ref _started) != 0;

    /// <summary>An exception thrown by the caller's sequence (or a too-large message), if any.</summary>
    public Exception? ProducerFailure { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _callToken);
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(minimumBufferSize: WriteBufferSize, leaveOpen: true));
        try
        {
            await using var enumerator = _messages.GetAsyncEnumerator(linked.Token);
            while (await MoveNextAsync(enumerator, linked.Token).ConfigureAwait(false))
            {
                try
                {
                    RequestFrames.Write(writer, enumerator.Current, _maxSendSize, _compress);
                }
                catch (RpcException ex)
                {
                    ProducerFailure = ex;
                    throw;
                }

                var flush = await writer.FlushAsync(linked.Token).ConfigureAwait(false);
                if (flush.IsCanceled || flush.IsCompleted)
                {
                    break;
                }
            }

            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await writer.CompleteAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask<bool> MoveNextAsync(IAsyncEnumerator<T> enumerator, CancellationToken token)
    {
        Volatile.Write(ref _started, 1);
        try
        {
            return await enumerator.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
        {
            ProducerFailure = ex;
            throw;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
