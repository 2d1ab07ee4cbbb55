using FedTransfer.Contracts.V1;

namespace FedTransfer.Cli.Watch;

/// <summary>
/// What a run looks like so far, folded from its event stream. Pure state: the live view and the
/// demo's per-round tables both render from it, and tests feed it events directly.
/// </summary>
internal sealed class RunProgress
{
    private readonly Dictionary<string, SiteProgress> _sites = new(StringComparer.Ordinal);
    private readonly List<RoundSummary> _rounds = [];

    public RunProgress(string runId, int totalRounds)
    {
        RunId = runId;
        TotalRounds = totalRounds;
    }

    public string RunId { get; }
    public int TotalRounds { get; }
    public int CurrentRound { get; private set; }
    public long LastSequence { get; private set; }
    public bool Finished { get; private set; }
    public string? FailureReason { get; private set; }
    public string? CancelReason { get; private set; }
    public bool Paused { get; private set; }
    /// <summary>Why a finished run stopped before its last round (central DP budget); null otherwise.</summary>
    public string? StopReason { get; private set; }
    /// <summary>Central DP: ε spent after the last completed train round; null without central DP.</summary>
    public double? CentralDpEpsilon { get; private set; }
    public IReadOnlyCollection<SiteProgress> Sites => _sites.Values;
    public IReadOnlyList<RoundSummary> Rounds => _rounds;
    public int CompletedTrainingRounds => _rounds.Count(r => r.Kind == "train");

    /// <summary>Applies one event; returns the round summary when the event completed a round.</summary>
    public RoundSummary? Apply(RunEvent e)
    {
        LastSequence = Math.Max(LastSequence, e.Sequence);
        switch (e.EventCase)
        {
            case RunEvent.EventOneofCase.RoundStarted:
                CurrentRound = e.RoundStarted.Round;
                foreach (var site in _sites.Values)
                    site.State = "idle";
                foreach (var id in e.RoundStarted.SampledSiteIds)
                    Site(id).State = e.RoundStarted.Kind == "evaluate" ? "evaluating" : "training";
                return null;
            case RunEvent.EventOneofCase.SiteUpdate:
                var update = e.SiteUpdate;
                var s = Site(update.SiteId);
                s.State = update.Outcome switch
                {
                    ResultOutcome.Accepted => "done",
                    ResultOutcome.Late => "late",
                    ResultOutcome.Rejected => "rejected",
                    _ => "?",
                };
                s.LastReason = update.Reason;
                s.BytesSent += update.PayloadBytes;
                s.LastMetrics = new Dictionary<string, double>(update.Metrics);
                return null;
            case RunEvent.EventOneofCase.RoundCompleted:
                var c = e.RoundCompleted;
                var summary = new RoundSummary(c.Round, c.Kind, new Dictionary<string, double>(c.Metrics),
                    c.Accepted, c.Rejected, c.Late, c.BytesIn, c.BytesOut, c.DurationMs, c.GlobalAdapter?.Digest ?? "");
                _rounds.Add(summary);
                if (c.Metrics.TryGetValue(CentralDpEpsilonMetric, out var epsilon)) CentralDpEpsilon = epsilon;
                return summary;
            case RunEvent.EventOneofCase.RunFinished:
                Finished = true;
                if (e.RunFinished.Reason.Length > 0) StopReason = e.RunFinished.Reason;
                return null;
            case RunEvent.EventOneofCase.RunFailed:
                Finished = true;
                FailureReason = $"round {e.RunFailed.Round}: {e.RunFailed.Reason}";
                return null;
            case RunEvent.EventOneofCase.RunCancelled:
                Finished = true;
                CancelReason = e.RunCancelled.Reason;
                return null;
            case RunEvent.EventOneofCase.RunPaused:
                Paused = true;
                return null;
            case RunEvent.EventOneofCase.RunResumed:
                Paused = false;
                return null;
            default:
                return null;
        }
    }

    /// <summary>The train round metric the coordinator records central DP's ε in.</summary>
    public const string CentralDpEpsilonMetric = "central_dp_epsilon";

    private SiteProgress Site(string id)
    {
        if (!_sites.TryGetValue(id, out var site))
            _sites[id] = site = new SiteProgress(id);
        return site;
    }
}

/// <summary>One site as seen by the watcher.</summary>
internal sealed class SiteProgress(string siteId)
{
    public string SiteId { get; } = siteId;
    public string State { get; set; } = "idle";
    public long BytesSent { get; set; }
    public string LastReason { get; set; } = "";
    public IReadOnlyDictionary<string, double> LastMetrics { get; set; } = new Dictionary<string, double>();
}

/// <summary>A completed round: aggregated metrics, outcomes and traffic.</summary>
internal sealed record RoundSummary(
    int Round, string Kind, IReadOnlyDictionary<string, double> Metrics,
    int Accepted, int Rejected, int Late, long BytesIn, long BytesOut, double DurationMs, string AdapterDigest);
