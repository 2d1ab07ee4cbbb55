using System.Diagnostics;
using System.Globalization;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// What bench-rounds saw of each round, on one clock shared by the watcher and the simulated sites (they live in the
/// bench process): when the round-started event arrived, when sites got their tasks, finished downloading and got their
/// receipts, when the round-completed event arrived, and the coordinator process's CPU time at the round's ends.
/// </summary>
internal sealed class RoundTimeline
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private readonly SortedDictionary<int, Marks> _rounds = [];

    /// <summary>Milliseconds since the timeline started.</summary>
    public double Now => _clock.Elapsed.TotalMilliseconds;

    public void Started(int round, double coordinatorCpuMs) => Update(round, m =>
    {
        m.Started = Now;
        m.CpuAtStart = coordinatorCpuMs;
    });

    public void TaskTaken(int round) => Update(round, m =>
    {
        var now = Now;
        m.FirstTaken = Math.Min(m.FirstTaken, now);
        m.LastTaken = Math.Max(m.LastTaken, now);
    });

    public void Fetched(int round) => Update(round, m => m.LastFetched = Math.Max(m.LastFetched, Now));

    public void Receipted(int round) => Update(round, m => m.LastReceipt = Math.Max(m.LastReceipt, Now));

    public void Completed(int round, double coordinatorDurationMs, double coordinatorCpuMs) => Update(round, m =>
    {
        m.Completed = Now;
        m.DurationMs = coordinatorDurationMs;
        m.CpuAtEnd = coordinatorCpuMs;
    });

    /// <summary>One row per completed round.</summary>
    public IReadOnlyList<RoundBreakdown> Breakdown()
    {
        lock (_gate)
        {
            return _rounds.Where(r => r.Value.Completed > 0).Select(r =>
            {
                var m = r.Value;
                return new RoundBreakdown(r.Key, m.DurationMs, m.CpuAtEnd - m.CpuAtStart,
                    HandOutMs: m.LastTaken - m.Started,
                    DownloadWindowMs: m.LastFetched > 0 ? m.LastFetched - m.FirstTaken : 0,
                    TransferWindowMs: m.LastReceipt - m.FirstTaken,
                    TailMs: m.Completed - m.LastReceipt);
            }).ToArray();
        }
    }

    private void Update(int round, Action<Marks> change)
    {
        lock (_gate)
        {
            if (!_rounds.TryGetValue(round, out var marks)) _rounds[round] = marks = new Marks();
            change(marks);
        }
    }

    private sealed class Marks
    {
        public double Started, FirstTaken = double.MaxValue, LastTaken, LastFetched, LastReceipt, Completed, DurationMs, CpuAtStart, CpuAtEnd;
    }
}

/// <summary>
/// One round as bench-rounds reports it. <paramref name="WallMs"/>: the coordinator's own round duration (round opened
/// to new global adapter written and the round recorded). <paramref name="CoordinatorCpuMs"/>: user+system CPU the
/// coordinator process spent between the round-started and round-completed events. The rest is seen by the sites:
/// hand-out (round started until the last site held its task), the download window (first task taken until the last
/// site verified the global adapter), the transfer window (first task taken until the last receipt) and the tail (last
/// receipt until the round-completed event: computing the mean, writing the new adapter, recording the round).
/// </summary>
internal sealed record RoundBreakdown(int Round, double WallMs, double CoordinatorCpuMs, double HandOutMs, double DownloadWindowMs, double TransferWindowMs, double TailMs)
{
    public static string Header => "round  wall_ms  coord_cpu_ms  hand_out_ms  download_window_ms  transfer_window_ms  tail_ms";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Round,5}  {WallMs,7:F0}  {CoordinatorCpuMs,12:F0}  {HandOutMs,11:F0}  {DownloadWindowMs,18:F0}  {TransferWindowMs,18:F0}  {TailMs,7:F0}");
}
