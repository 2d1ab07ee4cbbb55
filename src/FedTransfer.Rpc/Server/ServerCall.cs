using System.Globalization;
using FedTransfer.Rpc.Framing;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace FedTransfer.Rpc.Server;

/// <summary>
/// One gRPC call on the server: deadline, cancellation, reading request frames from the request PipeReader,
/// writing response frames into the response PipeWriter, and ending with a status in trailers (or
/// Trailers-Only when nothing was sent yet). A write lock keeps handler writes and the deadline's final
/// status from interleaving.
/// </summary>
internal sealed class ServerCall
{
    private readonly HttpContext _http;
    private readonly GrpcServerRuntime _runtime;
    private readonly string _method;
    private readonly CancellationTokenSource _cts;
    private readonly MessageReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly bool _compressResponses;
    private DateTime? _deadline;
    private volatile bool _deadlineExceeded;
    private bool _finished;

    private ServerCall(HttpContext http, GrpcServerRuntime runtime, string method)
    {
        _http = http;
        _runtime = runtime;
        _method = method;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        string? encoding = http.Request.Headers[GrpcProtocol.EncodingHeader];
        _reader = new MessageReader(http.Request.BodyReader, runtime.Options.MaxReceiveMessageSize, encoding);
        _compressResponses = MessageCompression.IsCompressing(runtime.Options.ResponseCompression) &&
            GrpcProtocol.AcceptsEncoding(http.Request.Headers[GrpcProtocol.AcceptEncodingHeader], GrpcProtocol.Gzip);
    }

    public CancellationToken CancellationToken => _cts.Token;

    public static async Task RunAsync(HttpContext http, GrpcServerRuntime runtime, string method, Func<ServerCall, ServerCallContext, Task> body)
    {
        if (!await ServerRequestValidator.ValidateAsync(http, runtime).ConfigureAwait(false))
        {
            return;
        }

        var call = new ServerCall(http, runtime, method);
        try
        {
            await call.ExecuteAsync(body).ConfigureAwait(false);
        }
        finally
        {
            call._cts.Dispose();
        }
    }

    private async Task ExecuteAsync(Func<ServerCall, ServerCallContext, Task> body)
    {
        PrepareTransport();
        Timer? deadlineTimer = null;
        Task? deadlineFinish = null;
        if (GrpcTimeout.TryParse(_http.Request.Headers[GrpcProtocol.TimeoutHeader], out var timeout))
        {
            _deadline = timeout >= DateTime.MaxValue - DateTime.UtcNow ? DateTime.MaxValue : DateTime.UtcNow + timeout;
            // Timers cannot wait longer than ~49 days; such a deadline is as good as none for a running call.
            if (timeout.TotalMilliseconds < uint.MaxValue - 1)
            {
                deadlineTimer = new Timer(_ => deadlineFinish = OnDeadlineAsync(), null, timeout, Timeout.InfiniteTimeSpan);
            }
        }

        var context = new ServerCallContext(_method, _cts.Token, _deadline, _http.Connection.ClientCertificate,
            ServerHeaders.Collect(_http.Request.Headers), FormatPeer(_http.Connection));
        try
        {
            await body(this, context).ConfigureAwait(false);
            await FinishAsync(StatusCode.OK, string.Empty).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await FailAsync(ex).ConfigureAwait(false);
        }
        finally
        {
            if (deadlineTimer is not null)
            {
                await deadlineTimer.DisposeAsync().ConfigureAwait(false);
            }

            if (deadlineFinish is not null)
            {
                await deadlineFinish.ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// gRPC bodies are long-lived and large: Kestrel's HTTP/1-era body size cap and minimum data rates would cut
    /// legitimate streams (an idle long-poll, a 256 MiB artifact).
    /// </summary>
    private void PrepareTransport()
    {
        var sizeFeature = _http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        var rateFeature = _http.Features.Get<IHttpMinRequestBodyDataRateFeature>();
        if (rateFeature is not null)
        {
            rateFeature.MinDataRate = null;
        }

        var response = _http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcProtocol.SupportedEncodings;
        if (_compressResponses)
        {
            response.Headers[GrpcProtocol.EncodingHeader] = GrpcProtocol.Gzip;
        }
    }

    public async ValueTask<T?> ReadRequestAsync<T>(MessageParser<T> parser, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        try
        {
            if (!cancellationToken.CanBeCanceled)
            {
                return await _reader.ReadAsync(parser, _cts.Token).ConfigureAwait(false);
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(_cts.Token, cancellationToken);
            return await _reader.ReadAsync(parser, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsAbortOfCancelledCall(ex))
        {
            throw CancelledCall(ex);
        }
    }

    /// <summary>Reads the one request of a unary or server-streaming call, insisting on exactly one.</summary>
    public async Task<T> ReadSingleRequestAsync<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        try
        {
            var request = await _reader.ReadAsync(parser, _cts.Token).ConfigureAwait(false)
                ?? throw new RpcException(StatusCode.Internal, $"{_method} expects one request message but the request stream was empty.");
            if (await _reader.ReadAsync(parser, _cts.Token).ConfigureAwait(false) is not null)
            {
                throw new RpcException(StatusCode.Internal, $"{_method} expects one request message but the client sent more.");
            }

            return request;
        }
        catch (Exception ex) when (IsAbortOfCancelledCall(ex))
        {
            throw CancelledCall(ex);
        }
    }

    /// <summary>
    /// Once the client reset the stream or the deadline passed, Kestrel fails pending I/O with transport exceptions;
    /// handlers see the cancellation they expect instead (cancellation is not an error).
    /// </summary>
    private bool IsAbortOfCancelledCall(Exception ex) =>
        ex is not RpcException and not OperationCanceledException && _cts.IsCancellationRequested;

    private OperationCanceledException CancelledCall(Exception inner) =>
        new($"{_method} was cancelled (client gone or deadline exceeded).", inner, _cts.Token);

    public async Task WriteResponseAsync<T>(T message, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(message);
        using var linked = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(_cts.Token, cancellationToken)
            : null;
        var token = linked?.Token ?? _cts.Token;
        await _writeLock.WaitAsync(token).ConfigureAwait(false);
        try
        {
            if (_finished)
            {
                throw new OperationCanceledException($"{_method} has already ended; the message was not sent.", token);
            }

            var size = message.CalculateSize();
            if (_runtime.Options.MaxSendMessageSize is { } maxSend && size > maxSend)
            {
                throw new RpcException(StatusCode.ResourceExhausted,
                    $"Response message of {size} bytes exceeds the server's MaxSendMessageSize of {maxSend} bytes.");
            }

            var writer = _http.Response.BodyWriter;
            if (_compressResponses)
            {
                MessageCompression.WriteCompressed(writer, message, size);
            }
            else
            {
                FrameCodec.WriteMessage(writer, message, size);
            }

            var flush = await writer.FlushAsync(token).ConfigureAwait(false);
            if (flush.IsCanceled)
            {
                throw new OperationCanceledException(token);
            }
        }
        catch (Exception ex) when (IsAbortOfCancelledCall(ex))
        {
            throw CancelledCall(ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private Task OnDeadlineAsync()
    {
        _deadlineExceeded = true;
        if (_http.RequestAborted.IsCancellationRequested)
        {
            return Task.CompletedTask;
        }

        ServerLog.DeadlineExceeded(_runtime.Logger, _method, _deadline ?? DateTime.UtcNow);
        _cts.Cancel();
        return FinishAsync(StatusCode.DeadlineExceeded, "Deadline exceeded.");
    }

    private Task FailAsync(Exception ex)
    {
        if (_http.RequestAborted.IsCancellationRequested)
        {
            // The client reset the stream or the connection dropped: nobody is left to receive a status.
            ServerLog.CancelledByClient(_runtime.Logger, _method);
            return Task.CompletedTask;
        }

        if (_deadlineExceeded)
        {
            return FinishAsync(StatusCode.DeadlineExceeded, "Deadline exceeded.");
        }

        switch (ex)
        {
            case RpcException rpc:
                ServerLog.EndedWithStatus(_runtime.Logger, _method, rpc.Status, rpc.Detail);
                return FinishAsync(rpc.Status, rpc.Detail);
            case OperationCanceledException when _cts.IsCancellationRequested:
                ServerLog.CancelledByClient(_runtime.Logger, _method);
                return FinishAsync(StatusCode.Cancelled, "The call was cancelled.");
            default:
                ServerLog.HandlerFailed(_runtime.Logger, _method, ex);
                var detail = _runtime.Options.EnableDetailedErrors
                    ? $"Exception was thrown by handler. {ex.GetType().Name}: {ex.Message}"
                    : "Exception was thrown by handler.";
                return FinishAsync(StatusCode.Unknown, detail);
        }
    }

    private async Task FinishAsync(StatusCode status, string detail)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            var response = _http.Response;
            if (!response.HasStarted)
            {
                ServerRequestValidator.WriteTrailersOnly(_http, status, detail);
            }
            else
            {
                response.AppendTrailer(GrpcProtocol.StatusHeader, ((int)status).ToString(CultureInfo.InvariantCulture));
                if (!string.IsNullOrEmpty(detail))
                {
                    response.AppendTrailer(GrpcProtocol.MessageHeader, PercentEncoding.Encode(detail));
                }
            }

            await response.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            ServerLog.StatusNotSent(_runtime.Logger, _method, ex);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static string FormatPeer(ConnectionInfo connection) => connection.RemoteIpAddress switch
    {
        null => "unknown",
        { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } ip => $"ipv6:[{ip}]:{connection.RemotePort}",
        var ip => $"ipv4:{ip}:{connection.RemotePort.ToString(CultureInfo.InvariantCulture)}",
    };
}
