using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using FedTransfer.Rpc.Framing;
using Google.Protobuf;

namespace FedTransfer.Rpc.Client;

/// <summary>
/// One attempt of one call: sends the request (headers now, body as the content produces it), validates the
/// response headers (HTTP status, Trailers-Only, content type), reads response frames incrementally and
/// finally takes the status from the trailers. Deadline and caller cancellation reset the stream.
/// </summary>
internal sealed class ClientCall<TRequest, TResponse> : IAsyncDisposable
    where TRequest : IMessage<TRequest>
    where TResponse : IMessage<TResponse>
{
    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly DateTime? _deadline;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly CancellationTokenSource _cts;
    private HttpRequestMessage? _request;
    private HttpResponseMessage? _response;
    private MessageReader? _reader;
    private PipeReader? _pipe;
    private StreamingRequestContent<TRequest>? _streamingContent;
    private bool _ended;

    public ClientCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options, DateTime? deadline, CancellationToken callerToken)
    {
        _channel = channel;
        _method = method;
        _options = options;
        _deadline = deadline;
        _callerToken = callerToken;
        if (deadline is { } d)
        {
            var remaining = d - DateTime.UtcNow;
            _deadlineCts = remaining > TimeSpan.Zero
                ? new CancellationTokenSource(remaining.TotalMilliseconds < uint.MaxValue - 1 ? remaining : Timeout.InfiniteTimeSpan)
                : null;
        }

        _cts = _deadlineCts is null
            ? CancellationTokenSource.CreateLinkedTokenSource(callerToken)
            : CancellationTokenSource.CreateLinkedTokenSource(callerToken, _deadlineCts.Token);
    }

    /// <summary>Cancelled when the call ends early: deadline, caller cancellation, or disposal.</summary>
    public CancellationToken Token => _cts.Token;

    public async Task StartAsync(HttpContent content)
    {
        _streamingContent = content as StreamingRequestContent<TRequest>;
        if (_deadline is { } deadline && deadline <= DateTime.UtcNow)
        {
            throw new RpcException(StatusCode.DeadlineExceeded, $"Deadline of {_method.FullName} expired before the call started.");
        }

        _callerToken.ThrowIfCancellationRequested();
        // Kept until the call ends: disposing the request disposes its content, which may still be streaming.
        _request = BuildRequest(content);
        try
        {
            _response = await _channel.Invoker.SendAsync(_request, _cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw MapFailure(ex);
        }

        await ValidateResponseHeadersAsync(_response).ConfigureAwait(false);
    }

    /// <summary>The next response message, or default after a successful end (status OK in the trailers).</summary>
    public async ValueTask<TResponse?> ReadNextAsync()
    {
        if (_ended)
        {
            return default;
        }

        TResponse? message;
        try
        {
            message = await _reader!.ReadAsync(_method.ResponseParser, _cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw MapFailure(ex);
        }

        if (message is null)
        {
            _ended = true;
            ThrowIfNotOk(_response!.TrailingHeaders, "trailers");
        }

        return message;
    }

    private HttpRequestMessage BuildRequest(HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _channel.GetMethodUri(_method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        if (_deadline is { } deadline)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(deadline - DateTime.UtcNow));
        }

        headers.TE.Add(new TransferCodingWithQualityHeaderValue(GrpcProtocol.TeTrailers));
        headers.TryAddWithoutValidation("User-Agent", GrpcProtocol.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        if (_channel.CompressRequests)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, GrpcProtocol.Gzip);
        }

        if (_options.Headers is { } custom)
        {
            ClientMetadata.AddCustomHeaders(headers, custom);
        }

        return request;
    }

    private async Task ValidateResponseHeadersAsync(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var code = HttpStatusMapping.FromHttpStatus(response.StatusCode);
            throw new RpcException(code,
                $"Bad gRPC response from {_method.FullName}: HTTP status {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        // Trailers-Only: the status travels in the (only) HEADERS frame.
        if (response.Headers.Contains(GrpcProtocol.StatusHeader))
        {
            _ended = true;
            ThrowIfNotOk(response.Headers, "headers");
            return;
        }

        var contentType = response.Content.Headers.ContentType?.ToString();
        if (!GrpcProtocol.IsGrpcProtoContentType(contentType))
        {
            throw new RpcException(StatusCode.Unknown,
                $"Bad gRPC response from {_method.FullName}: content type '{contentType}' is not application/grpc.");
        }

        var encoding = response.Headers.TryGetValues(GrpcProtocol.EncodingHeader, out var values) ? values.FirstOrDefault() : null;
        Stream stream;
        try
        {
            stream = await response.Content.ReadAsStreamAsync(_cts.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw MapFailure(ex);
        }

        _pipe = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 128 * 1024, minimumReadSize: 16 * 1024));
        _reader = new MessageReader(_pipe, _channel.Options.MaxReceiveMessageSize, encoding);
    }

    private void ThrowIfNotOk(HttpHeaders headers, string where)
    {
        if (!headers.TryGetValues(GrpcProtocol.StatusHeader, out var statusValues))
        {
            throw new RpcException(StatusCode.Internal,
                $"{_method.FullName}: the server ended the call without a grpc-status in its {where}; it is not a valid gRPC response.");
        }

        var raw = statusValues.FirstOrDefault();
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new RpcException(StatusCode.Internal, $"{_method.FullName}: grpc-status '{raw}' is not a number.");
        }

        if (status == 0)
        {
            return;
        }

        var detail = headers.TryGetValues(GrpcProtocol.MessageHeader, out var messageValues)
            ? PercentEncoding.Decode(string.Join(",", messageValues))
            : string.Empty;
        var code = Enum.IsDefined(typeof(StatusCode), status) ? (StatusCode)status : StatusCode.Unknown;
        // A server that saw our deadline pass may answer CANCELLED; the spec asks clients to report the deadline.
        if (code == StatusCode.Cancelled && _deadline is { } deadline && deadline <= DateTime.UtcNow)
        {
            throw new RpcException(StatusCode.DeadlineExceeded, $"Deadline of {_method.FullName} exceeded.");
        }

        throw new RpcException(code, detail);
    }

    private RpcException MapFailure(Exception ex)
    {
        if (_deadlineCts?.IsCancellationRequested == true || (_deadline is { } deadline && deadline <= DateTime.UtcNow && ex is OperationCanceledException))
        {
            return new RpcException(StatusCode.DeadlineExceeded, $"Deadline of {_method.FullName} exceeded.", ex);
        }

        if (_callerToken.IsCancellationRequested)
        {
            return new RpcException(StatusCode.Cancelled, $"{_method.FullName} was cancelled by the caller.", ex);
        }

        if (_streamingContent?.ProducerFailure is { } producer)
        {
            return producer as RpcException ?? new RpcException(StatusCode.Cancelled,
                $"{_method.FullName} was aborted because the request stream threw {producer.GetType().Name}: {producer.Message}", producer);
        }

        return ex switch
        {
            RpcException rpc => rpc,
            OperationCanceledException => new RpcException(StatusCode.Cancelled, $"{_method.FullName} was cancelled.", ex),
            _ => HttpStatusMapping.FromTransportException(ex, _channel.Target),
        };
    }

    /// <summary>Ends the call; when it has not finished yet the HTTP/2 stream is reset (RST_STREAM CANCEL).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_ended)
        {
            _cts.Cancel();
        }

        if (_pipe is not null)
        {
            await _pipe.CompleteAsync().ConfigureAwait(false);
        }

        _response?.Dispose();
        _request?.Dispose();
        _cts.Dispose();
        _deadlineCts?.Dispose();
    }
}
