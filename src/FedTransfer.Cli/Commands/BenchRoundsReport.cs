using System.Globalization;

namespace FedTransfer.Cli.Commands;

/// <summary>Prints what bench-rounds measured; the last two lines are the benchmark's key=value results.</summary>
internal static class BenchRoundsReport
{
    public sealed record Setup(int Rounds, int Sites, int Parameters, long AdapterBytes, bool Fetch);

    public static void Print(Setup setup, IReadOnlyList<RoundBreakdown> rounds, double wallSeconds, long baselineKb, long peakKb)
    {
        const double mb = 1024.0 * 1024.0;
        var adapterMb = setup.AdapterBytes / mb;
        var perRoundMb = setup.Sites * adapterMb * (setup.Fetch ? 2 : 1);
        Line($"{setup.Rounds} rounds x {setup.Sites} sites, adapter {setup.Parameters} float32 parameters ({adapterMb:F1} MB), ",
             $"sites fetch the adapter each round: {setup.Fetch}; {perRoundMb:F0} MB cross loopback per round");
        Console.WriteLine(RoundBreakdown.Header);
        foreach (var round in rounds) Console.WriteLine(round);
        var median = new RoundBreakdown(0, Median(rounds, r => r.WallMs), Median(rounds, r => r.CoordinatorCpuMs), Median(rounds, r => r.HandOutMs),
            Median(rounds, r => r.DownloadWindowMs), Median(rounds, r => r.TransferWindowMs), Median(rounds, r => r.TailMs));
        Console.WriteLine("median" + median.ToString()[5..]);
        Line($"round wall ms: min {rounds.Min(r => r.WallMs):F0}, median {median.WallMs:F0}, max {rounds.Max(r => r.WallMs):F0}; ",
             $"whole run {wallSeconds:F1} s; loopback throughput at the median {perRoundMb / (median.WallMs / 1000.0):F0} MB/s");
        var baselineMb = baselineKb / 1024.0;
        var peakMb = peakKb / 1024.0;
        Line($"coordinator RSS: baseline {baselineMb:F0} MB, peak {peakMb:F0} MB, peak - baseline {peakMb - baselineMb:F0} MB = ",
             $"{(peakMb - baselineMb) / adapterMb:F1} x the adapter (target < 4 x {adapterMb:F1} MB, i.e. peak < {baselineMb + 4 * adapterMb:F0} MB)");
        var messages = setup.Sites * (setup.Fetch ? 2 : 1);
        var floorMs = RoundFloor.MeasureMs(setup.AdapterBytes, messages);
        Line($"round floor: SHA-256 + copy of {messages} x {adapterMb:F1} MB on {Environment.ProcessorCount} cores takes {floorMs:F0} ms ",
             $"(target: round_overhead_ms <= 2 x round_floor_ms = {2 * floorMs:F0})");
        Console.WriteLine($"load average after: {string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}");
        Line($"coordinator_cpu_ms_per_round={median.CoordinatorCpuMs:F0}");
        // Per MiB of updates received only when nothing else is moved (with fetching, the CPU also serves downloads).
        if (!setup.Fetch) Line($"coordinator_cpu_ms_per_mb={median.CoordinatorCpuMs / (setup.Sites * adapterMb):F2}");
        Line($"aggregation_tail_ms={median.TailMs:F0}");
        Line($"round_floor_ms={floorMs:F0}");
        Line($"round_overhead_ms={median.WallMs:F0}");
        Line($"coordinator_baseline_mb={baselineMb:F0}");
        Line($"coordinator_peak_target_mb={baselineMb + 4 * adapterMb:F0}");
        Line($"coordinator_peak_mb={peakMb:F0}");
    }

    private static double Median(IReadOnlyList<RoundBreakdown> rounds, Func<RoundBreakdown, double> value)
    {
        var sorted = rounds.Select(value).Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static void Line(params FormattableString[] parts) => Console.WriteLine(string.Concat(parts.Select(p => p.ToString(CultureInfo.InvariantCulture))));
}
