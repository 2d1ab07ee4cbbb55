using FedTransfer.Rpc.Client;

namespace FedTransfer.Rpc.Tests.Client;

public sealed class RetryPolicyTests
{
    private static readonly GrpcChannelOptions Options = new()
    {
        MaxRetryAttempts = 5,
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        MaxBackoff = TimeSpan.FromMilliseconds(1000),
        BackoffMultiplier = 2,
    };

    [Theory]
    [InlineData(0, 50, 100)]
    [InlineData(1, 100, 200)]
    [InlineData(2, 200, 400)]
    [InlineData(4, 500, 1000)]
    [InlineData(9, 500, 1000)]
    public void NextDelay_GrowsExponentiallyWithJitterUpToMax(int retries, double minMs, double maxMs)
    {
        var policy = new RetryPolicy(Options, null);

        for (var i = 0; i < 200; i++)
        {
            Assert.InRange(policy.NextDelay(retries).TotalMilliseconds, minMs, maxMs);
        }
    }

    [Fact]
    public void NextDelay_IsJittered()
    {
        var policy = new RetryPolicy(Options, null);

        var delays = Enumerable.Range(0, 50).Select(_ => policy.NextDelay(3)).Distinct().Count();

        Assert.True(delays > 10, $"only {delays} distinct delays");
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, true, true, 0, true)]
    [InlineData(StatusCode.Unavailable, false, true, 0, false)]
    [InlineData(StatusCode.Internal, true, true, 0, false)]
    [InlineData(StatusCode.DeadlineExceeded, true, true, 0, false)]
    [InlineData(StatusCode.Unavailable, true, false, 0, false)]
    [InlineData(StatusCode.Unavailable, true, true, 5, false)]
    public void ShouldRetry_OnlyUnavailableIdempotentReplayableWithinBudget(StatusCode status, bool idempotent, bool replayable, int retriesSoFar, bool expected)
    {
        var policy = new RetryPolicy(Options, null);

        var retry = policy.ShouldRetry(new RpcException(status, "x"), new CallOptions { Idempotent = idempotent }, retriesSoFar, null, replayable, "/s/m", out _);

        Assert.Equal(expected, retry);
    }

    [Fact]
    public void ShouldRetry_BackoffWouldPassDeadline_DoesNotRetry()
    {
        var policy = new RetryPolicy(Options, null);

        var retry = policy.ShouldRetry(new RpcException(StatusCode.Unavailable, "x"), new CallOptions { Idempotent = true }, 3,
            DateTime.UtcNow.AddMilliseconds(10), true, "/s/m", out _);

        Assert.False(retry);
    }
}
