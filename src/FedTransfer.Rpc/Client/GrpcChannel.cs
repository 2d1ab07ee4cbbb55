using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using FedTransfer.Rpc.Client;
using FedTransfer.Rpc.Framing;
using Google.Protobuf;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Rpc;

/// <summary>
/// A client connection pool to one gRPC server over <see cref="System.Net.Http.SocketsHttpHandler"/> (HTTP/2 only:
/// h2c prior knowledge for <c>http://</c>, TLS with ALPN h2 for <c>https://</c>). Thread-safe; create one per
/// server and share it. Calls fail with <see cref="RpcException"/>.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private static readonly CallOptions DefaultCallOptions = new();
    private readonly Uri _baseAddress;
    private readonly ConcurrentDictionary<string, Uri> _methodUris = new(StringComparer.Ordinal);
    private readonly RetryPolicy _retry;
    private readonly ILogger? _logger;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        _baseAddress = new Uri(address.GetLeftPart(UriPartial.Authority));
        Options = options;
        Target = _baseAddress.Authority;
        CompressRequests = MessageCompression.IsCompressing(options.RequestCompression);
        Invoker = new HttpMessageInvoker(ChannelHandlerFactory.Create(options), disposeHandler: true);
        _logger = options.LoggerFactory?.CreateLogger("FedTransfer.Rpc.Client");
        _retry = new RetryPolicy(options, _logger);
    }

    /// <summary>The server address, scheme and authority.</summary>
    public Uri Address => _baseAddress;

    internal GrpcChannelOptions Options { get; }

    internal HttpMessageInvoker Invoker { get; }

    internal string Target { get; }

    internal bool CompressRequests { get; }

    /// <summary>Creates a channel to <paramref name="address"/> (<c>http://host:port</c> or <c>https://host:port</c>). Connects lazily.</summary>
    /// <exception cref="ArgumentException">The address or options are invalid; the message says which.</exception>
    public static GrpcChannel Create(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"gRPC address '{address}' must be absolute http:// (h2c) or https:// (TLS).", nameof(address));
        }

        options ??= new GrpcChannelOptions();
        options.Validate();
        return new GrpcChannel(address, options);
    }

    /// <summary>Calls a unary method.</summary>
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions? options = null)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        var o = options ?? DefaultCallOptions;
        var frame = RequestFrames.Single(request, Options.MaxSendMessageSize, CompressRequests);
        var (call, first) = await StartAsync(method, o, default, _ => RequestFrames.SingleContent(frame), _ => true).ConfigureAwait(false);
        await using (call.ConfigureAwait(false))
        {
            var response = first ?? throw new RpcException(StatusCode.Internal,
                $"{method.FullName} ended with status OK but without a response message.");
            if (await call.ReadNextAsync().ConfigureAwait(false) is not null)
            {
                throw new RpcException(StatusCode.Internal, $"{method.FullName} is unary but the server sent more than one response message.");
            }

            return response;
        }
    }

    /// <summary>Calls a server-streaming method. The call starts when enumeration starts; stopping early cancels it.</summary>
    public IAsyncEnumerable<TResponse> ServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions? options = null)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(request);
        var frame = RequestFrames.Single(request, Options.MaxSendMessageSize, CompressRequests);
        return ResponseStreamAsync(method, options ?? DefaultCallOptions, _ => RequestFrames.SingleContent(frame), _ => true, default);
    }

    /// <summary>
    /// Calls a client-streaming method: each message of <paramref name="requests"/> is sent as soon as it is produced.
    /// </summary>
    public async Task<TResponse> ClientStreamingAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, IAsyncEnumerable<TRequest> requests, CallOptions? options = null)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(requests);
        var (call, first) = await StartAsync(method, options ?? DefaultCallOptions, default,
            token => new StreamingRequestContent<TRequest>(requests, Options.MaxSendMessageSize, CompressRequests, token),
            content => !((StreamingRequestContent<TRequest>)content).Started).ConfigureAwait(false);
        await using (call.ConfigureAwait(false))
        {
            var response = first ?? throw new RpcException(StatusCode.Internal,
                $"{method.FullName} ended with status OK but without a response message.");
            if (await call.ReadNextAsync().ConfigureAwait(false) is not null)
            {
                throw new RpcException(StatusCode.Internal, $"{method.FullName} is client-streaming but the server sent more than one response message.");
            }

            return response;
        }
    }

    /// <summary>Calls a duplex method: requests are sent as produced while responses are read as they arrive.</summary>
    public IAsyncEnumerable<TResponse> Duplex<TRequest, TResponse>(Method<TRequest, TResponse> method, IAsyncEnumerable<TRequest> requests, CallOptions? options = null)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(requests);
        return ResponseStreamAsync(method, options ?? DefaultCallOptions,
            token => new StreamingRequestContent<TRequest>(requests, Options.MaxSendMessageSize, CompressRequests, token),
            content => !((StreamingRequestContent<TRequest>)content).Started, default);
    }

    /// <summary>Closes the connections; calls in flight fail.</summary>
    public void Dispose() => Invoker.Dispose();

    internal Uri GetMethodUri(string fullName) => _methodUris.GetOrAdd(fullName, static (name, baseUri) => new Uri(baseUri, name), _baseAddress);

    private async IAsyncEnumerable<TResponse> ResponseStreamAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options, Func<CancellationToken, HttpContent> contentFactory,
        Func<HttpContent, bool> replayable, [EnumeratorCancellation] CancellationToken enumeratorToken)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        var (call, first) = await StartAsync(method, options, enumeratorToken, contentFactory, replayable).ConfigureAwait(false);
        await using (call.ConfigureAwait(false))
        {
            var next = first;
            while (next is not null)
            {
                yield return next;
                next = await call.ReadNextAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Runs attempts until one delivers response headers and its first message (or its successful end), retrying
    /// per <see cref="RetryPolicy"/> while nothing has been consumed. The caller owns the returned call.
    /// </summary>
    private async Task<(ClientCall<TRequest, TResponse> Call, TResponse? First)> StartAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, CallOptions options, CancellationToken extraToken,
        Func<CancellationToken, HttpContent> contentFactory, Func<HttpContent, bool> replayable)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>
    {
        var deadline = EffectiveDeadline(options);
        using var linked = extraToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(options.CancellationToken, extraToken)
            : null;
        var callerToken = linked?.Token ?? options.CancellationToken;
        for (var retries = 0; ; retries++)
        {
            var call = new ClientCall<TRequest, TResponse>(this, method, options, deadline, callerToken);
            var content = contentFactory(call.Token);
            TimeSpan delay;
            try
            {
                await call.StartAsync(content).ConfigureAwait(false);
                var first = await call.ReadNextAsync().ConfigureAwait(false);
                return (call, first);
            }
            catch (RpcException ex) when (_retry.ShouldRetry(ex, options, retries, deadline, replayable(content), method.FullName, out delay))
            {
                await call.DisposeAsync().ConfigureAwait(false);
            }
            catch (RpcException ex)
            {
                if (_logger is not null)
                {
                    ClientLog.CallFailed(_logger, method.FullName, ex.Status, ex.Detail);
                }

                await call.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            catch
            {
                await call.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            await RetryPolicy.WaitAsync(delay, callerToken, method.FullName).ConfigureAwait(false);
        }
    }

    private static DateTime? EffectiveDeadline(CallOptions options)
    {
        DateTime? deadline = options.Deadline?.ToUniversalTime();
        if (options.Timeout is { } timeout)
        {
            var fromTimeout = timeout >= DateTime.MaxValue - DateTime.UtcNow ? DateTime.MaxValue : DateTime.UtcNow + timeout;
            deadline = deadline is null || fromTimeout < deadline ? fromTimeout : deadline;
        }

        return deadline;
    }
}
