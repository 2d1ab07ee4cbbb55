namespace FedTransfer.Site.Worker;

/// <summary>
/// Exponential backoff with jitter for reaching the coordinator: the delay doubles from the initial value up to the
/// maximum, and each wait is drawn uniformly from its upper half, so sites that lost the coordinator together do not
/// all come back in the same millisecond.
/// </summary>
internal sealed class ReconnectBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private readonly Random _random;

    public ReconnectBackoff(TimeSpan initial, TimeSpan max, Random? random = null)
    {
        if (initial <= TimeSpan.Zero || max < initial)
            throw new ArgumentOutOfRangeException(nameof(max), $"backoff needs 0 < initial ({initial}) <= max ({max})");
        _initial = initial;
        _max = max;
        _random = random ?? Random.Shared;
    }

    /// <summary>Failures since the last <see cref="Reset"/>.</summary>
    public int Failures { get; private set; }

    /// <summary>The ceiling of the next wait, before jitter: initial · 2^failures, capped at the maximum.</summary>
    public TimeSpan Ceiling => TimeSpan.FromTicks((long)Math.Min(_max.Ticks, _initial.Ticks * Math.Pow(2, Math.Min(Failures, 62))));

    /// <summary>Records a failure and returns how long to wait before the next attempt.</summary>
    public TimeSpan Next()
    {
        var ceiling = Ceiling;
        Failures++;
        return TimeSpan.FromTicks(ceiling.Ticks / 2 + (long)(_random.NextDouble() * (ceiling.Ticks / 2)));
    }

    /// <summary>Back to the initial delay after a success.</summary>
    public void Reset() => Failures = 0;
}
