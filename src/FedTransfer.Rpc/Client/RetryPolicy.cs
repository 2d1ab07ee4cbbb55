using Microsoft.Extensions.Logging;

namespace FedTransfer.Rpc.Client;

/// <summary>
/// Retries idempotent calls that failed with UNAVAILABLE (which includes connection failures), with exponential
/// backoff and jitter: the ceiling starts at InitialBackoff, grows by BackoffMultiplier up to MaxBackoff, and the
/// actual delay is drawn uniformly from [ceiling/2, ceiling] so many sites restarting together spread out.
/// </summary>
internal sealed class RetryPolicy
{
    private readonly GrpcChannelOptions _options;
    private readonly ILogger? _logger;

    public RetryPolicy(GrpcChannelOptions options, ILogger? logger)
    {
        _options = options;
        _logger = logger;
    }

    /// <param name="failure">The attempt's failure.</param>
    /// <param name="call">The call's options (Idempotent decides).</param>
    /// <param name="retriesSoFar">Retries already made.</param>
    /// <param name="deadline">The call's deadline: no retry that could not start before it.</param>
    /// <param name="replayable">False once the request or response stream has been partly consumed.</param>
    /// <param name="method">For the log line.</param>
    /// <param name="delay">How long to wait before the retry.</param>
    public bool ShouldRetry(RpcException failure, CallOptions call, int retriesSoFar, DateTime? deadline, bool replayable, string method, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        if (!call.Idempotent || failure.Status != StatusCode.Unavailable || !replayable ||
            retriesSoFar >= _options.MaxRetryAttempts || call.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        delay = NextDelay(retriesSoFar);
        if (deadline is { } d && DateTime.UtcNow + delay >= d)
        {
            return false;
        }

        if (_logger is not null)
        {
            ClientLog.RetryScheduled(_logger, method, failure.Status, failure.Detail, retriesSoFar + 1, _options.MaxRetryAttempts,
                (long)delay.TotalMilliseconds);
        }

        return true;
    }

    internal TimeSpan NextDelay(int retriesSoFar)
    {
        var ceilingMs = Math.Min(
            _options.InitialBackoff.TotalMilliseconds * Math.Pow(_options.BackoffMultiplier, retriesSoFar),
            _options.MaxBackoff.TotalMilliseconds);
        var jittered = ceilingMs / 2 + (Random.Shared.NextDouble() * ceilingMs / 2);
        return TimeSpan.FromMilliseconds(jittered);
    }

    public static async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken, string method)
    {
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex)
        {
            throw new RpcException(StatusCode.Cancelled, $"{method} was cancelled by the caller while waiting to retry.", ex);
        }
    }
}
