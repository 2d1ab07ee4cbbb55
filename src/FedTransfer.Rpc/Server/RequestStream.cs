using Google.Protobuf;

namespace FedTransfer.Rpc.Server;

/// <summary>
/// The handler's view of the request stream: enumerable once, ends at the client's END_STREAM, throws
/// <see cref="RpcException"/> on framing or size errors and <see cref="OperationCanceledException"/> when the call is cancelled.
/// </summary>
internal sealed class RequestStream<T> : IAsyncEnumerable<T>
    where T : IMessage<T>
{
    private readonly ServerCall _call;
    private readonly MessageParser<T> _parser;
    private int _enumerated;

    public RequestStream(ServerCall call, MessageParser<T> parser)
    {
        _call = call;
        _parser = parser;
    }

    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("The request stream can be enumerated only once.");
        }

        return new Enumerator(this, cancellationToken);
    }

    private sealed class Enumerator : IAsyncEnumerator<T>
    {
        private readonly RequestStream<T> _owner;
        private readonly CancellationToken _cancellationToken;

        public Enumerator(RequestStream<T> owner, CancellationToken cancellationToken)
        {
            _owner = owner;
            _cancellationToken = cancellationToken;
        }

        public T Current { get; private set; } = default!;

        public async ValueTask<bool> MoveNextAsync()
        {
            var next = await _owner._call.ReadRequestAsync(_owner._parser, _cancellationToken).ConfigureAwait(false);
            if (next is null)
            {
                return false;
            }

            Current = next;
            return true;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
