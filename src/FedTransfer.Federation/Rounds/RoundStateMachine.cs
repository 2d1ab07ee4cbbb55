using System.Globalization;
using FedTransfer.Federation.Strategies;

namespace FedTransfer.Federation.Rounds;

/// <summary>Where a round stands.</summary>
public enum RoundPhase
{
    /// <summary>Waiting for results.</summary>
    Open,
    /// <summary>Closed with enough valid results to aggregate.</summary>
    Completed,
    /// <summary>Closed without reaching the minimum; <see cref="RoundStateMachine.FailureReason"/> says why.</summary>
    Failed,
}

/// <summary>What happened to a result reported to the round.</summary>
public enum ResultDisposition
{
    /// <summary>Counted in this round.</summary>
    Counted,
    /// <summary>The round had already closed: record it, do not use it.</summary>
    Late,
    /// <summary>The site already answered this round; the first answer stands.</summary>
    Duplicate,
    /// <summary>The site was not sampled for this round.</summary>
    NotSampled,
}

/// <summary>
/// The life of one round. It closes when every sampled site has answered, or when the round timeout has passed and at
/// least the minimum number of valid results arrived; it fails when the timeout passes short of the minimum, or as
/// soon as the minimum has become unreachable. Time comes from a <see cref="TimeProvider"/>, so tests drive it.
/// Results and failures both count as answers; only results count towards the minimum.
/// </summary>
public sealed class RoundStateMachine
{
    private readonly TimeProvider _clock;
    private readonly HashSet<string> _sampled;
    private readonly List<string> _succeeded = [];
    private readonly List<SiteFailure> _failures = [];
    private readonly HashSet<string> _answered = new(StringComparer.Ordinal);

    /// <summary>Opens round <paramref name="round"/> now.</summary>
    /// <exception cref="ArgumentException">No sampled site, a minimum outside [1, sampled], or a non-positive timeout.</exception>
    public RoundStateMachine(int round, IEnumerable<string> sampledSiteIds, int minResults, TimeSpan timeout, TimeProvider clock)
    {
        _sampled = new HashSet<string>(sampledSiteIds, StringComparer.Ordinal);
        if (_sampled.Count == 0) throw new ArgumentException("a round needs at least one sampled site", nameof(sampledSiteIds));
        if (minResults < 1 || minResults > _sampled.Count)
            throw new ArgumentOutOfRangeException(nameof(minResults), minResults, $"the minimum must be in [1, {_sampled.Count}] (sampled sites)");
        if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "the round timeout must be positive");
        Round = round;
        MinResults = minResults;
        Timeout = timeout;
        _clock = clock;
        StartedAt = clock.GetUtcNow();
    }

    /// <summary>1-based round number.</summary>
    public int Round { get; }

    /// <summary>Valid results needed to complete.</summary>
    public int MinResults { get; }

    /// <summary>How long the round waits for stragglers once open.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>When the round opened.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>When the timeout passes.</summary>
    public DateTimeOffset Deadline => StartedAt + Timeout;

    /// <summary>Current phase (call <see cref="Advance"/> to apply the clock).</summary>
    public RoundPhase Phase { get; private set; } = RoundPhase.Open;

    /// <summary>Why the round failed; null unless <see cref="Phase"/> is Failed.</summary>
    public string? FailureReason { get; private set; }

    /// <summary>Sites whose valid result counts, in arrival order.</summary>
    public IReadOnlyList<string> Succeeded => _succeeded;

    /// <summary>Sampled sites without a usable result: rejected, failed, or (once closed) not answered in time.</summary>
    public IReadOnlyList<SiteFailure> Failures => _failures;

    /// <summary>Sampled sites that have not answered yet.</summary>
    public IEnumerable<string> Pending => _sampled.Where(s => !_answered.Contains(s)).Order(StringComparer.Ordinal);

    /// <summary>Records a valid result of <paramref name="siteId"/>.</summary>
    public ResultDisposition RecordResult(string siteId) => Record(siteId, null);

    /// <summary>Records that <paramref name="siteId"/> answered without a usable result (e.g. its update was rejected).</summary>
    public ResultDisposition RecordFailure(string siteId, string reason) => Record(siteId, reason);

    private ResultDisposition Record(string siteId, string? failure)
    {
        Advance();
        if (Phase != RoundPhase.Open) return ResultDisposition.Late;
        if (!_sampled.Contains(siteId)) return ResultDisposition.NotSampled;
        if (!_answered.Add(siteId)) return ResultDisposition.Duplicate;
        if (failure is null) _succeeded.Add(siteId);
        else _failures.Add(new SiteFailure(siteId, failure));
        Advance();
        return ResultDisposition.Counted;
    }

    /// <summary>Applies the clock and the answers so far; returns the (possibly new) phase.</summary>
    public RoundPhase Advance()
    {
        if (Phase != RoundPhase.Open) return Phase;
        var pending = _sampled.Count - _answered.Count;
        if (pending == 0)
        {
            if (_succeeded.Count >= MinResults) Close(RoundPhase.Completed, null);
            else Close(RoundPhase.Failed, $"round {Round}: only {_succeeded.Count} of {_sampled.Count} sampled site(s) returned a valid result, at least {MinResults} needed ({Describe(_failures)})");
        }
        else if (_succeeded.Count + pending < MinResults)
        {
            Close(RoundPhase.Failed, $"round {Round}: at least {MinResults} valid result(s) needed but {_failures.Count} of {_sampled.Count} sampled site(s) failed ({Describe(_failures)})",
                "round closed early: its minimum had become unreachable");
        }
        else if (_clock.GetUtcNow() >= Deadline)
        {
            var waited = Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            if (_succeeded.Count >= MinResults) Close(RoundPhase.Completed, null);
            else Close(RoundPhase.Failed, $"round {Round}: {_succeeded.Count} of at least {MinResults} valid result(s) arrived within the {waited} s round timeout ({_sampled.Count} sampled; no answer from {string.Join(", ", Pending)}); add sites, lower min_sites or raise the timeout");
        }
        return Phase;
    }

    private void Close(RoundPhase phase, string? reason, string? pendingReason = null)
    {
        pendingReason ??= $"no result within the {Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s round timeout";
        foreach (var site in Pending.ToArray())
        {
            _failures.Add(new SiteFailure(site, pendingReason));
            _answered.Add(site);
        }
        Phase = phase;
        FailureReason = reason;
    }

    private static string Describe(IReadOnlyList<SiteFailure> failures) =>
        failures.Count == 0 ? "no failures" : string.Join("; ", failures.Take(3).Select(f => $"{f.SiteId}: {f.Reason}")) + (failures.Count > 3 ? "; ..." : "");
}
