using System.CommandLine;
using System.Globalization;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// Hidden <c>fedtransfer bench-secagg</c> (bench/privacy.sh): simulated FedAvg rounds with and without secure aggregation
/// at each site count, through the real protocol classes in process (<see cref="SecAggRoundSimulation"/>), printing the
/// coordinator CPU ratio, the site upload ratio and the largest error of the secure sum.
/// </summary>
internal static class BenchSecAggCommand
{
    public static Command Create()
    {
        var sites = new Option<string>("--sites") { Description = "Comma-separated site counts; the first is the headline", DefaultValueFactory = _ => "10,50" };
        var parameters = new Option<int>("--parameters") { Description = "Delta elements per site", DefaultValueFactory = _ => 262_144 };
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds per setting (after one warm-up)", DefaultValueFactory = _ => 3 };
        var command = new Command("bench-secagg", "Time secure aggregation rounds (used by bench/privacy.sh)") { Hidden = true };
        foreach (var option in new Option[] { sites, parameters, rounds }) command.Options.Add(option);
        command.SetAction((ParseResult r, CancellationToken ct) => CommandRunner.RunAsync(_ =>
            Run(ParseCounts(r.GetValue(sites)!), r.GetValue(parameters), Math.Max(1, r.GetValue(rounds))), ct));
        return command;
    }

    private static int Run(IReadOnlyList<int> counts, int parameters, int rounds)
    {
        if (parameters < 1) throw new ArgumentException($"--parameters must be at least 1, got {parameters}");
        var headline = true;
        foreach (var n in counts)
        {
            var simulation = new SecAggRoundSimulation(n, parameters, seed: 20261204);
            simulation.Plain(0);
            // Warm-up of both secure paths (JIT, AES and ECDH initialisation, the dropped site's key rebuild).
            simulation.Secure(1, droppedAtUpload: -1);
            simulation.Secure(1, droppedAtUpload: n - 1);
            double plainCpu = 0, secureCpu = 0, dropoutCpu = 0, error = 0, bound = 0;
            long plainBytes = 0, secureBytes = 0;
            for (var round = 2; round < rounds + 2; round++)
            {
                var plain = simulation.Plain(round);
                var secure = simulation.Secure(round, droppedAtUpload: -1);
                var dropout = simulation.Secure(round, droppedAtUpload: n - 1);
                plainCpu += plain.CpuSeconds;
                secureCpu += secure.CpuSeconds;
                dropoutCpu += dropout.CpuSeconds;
                error = Math.Max(error, Math.Max(secure.MaxAbsError, dropout.MaxAbsError));
                bound = secure.ErrorBound;
                (plainBytes, secureBytes) = (plain.SiteBytes, secure.SiteBytes);
            }
            Console.WriteLine($"{n} sites, {parameters} parameters, {rounds} round(s): coordinator CPU per round {plainCpu / rounds * 1000:F1} ms plain, " +
                $"{secureCpu / rounds * 1000:F1} ms secure, {dropoutCpu / rounds * 1000:F1} ms secure with one site dropped at upload; " +
                $"site sends {plainBytes} B plain, {secureBytes} B secure");
            Print($"secagg_round_overhead_ratio_{n}", secureCpu / plainCpu, "F3");
            Print($"secagg_round_overhead_ratio_{n}_one_dropout", dropoutCpu / plainCpu, "F3");
            Print($"secagg_upload_ratio_{n}", (double)secureBytes / plainBytes, "F4");
            Print($"secagg_sum_max_abs_error_{n}", error, "E3");
            Print($"secagg_sum_error_bound_{n}", bound, "E3");
            if (headline)
            {
                Print("secagg_sum_max_abs_error", error, "E3");
                Print("secagg_round_overhead_ratio", secureCpu / plainCpu, "F3");
                Print("secagg_upload_ratio", (double)secureBytes / plainBytes, "F4");
                headline = false;
            }
        }
        return 0;
    }

    private static void Print(string name, double value, string format) =>
        Console.WriteLine($"{name}={value.ToString(format, CultureInfo.InvariantCulture)}");

    private static int[] ParseCounts(string text)
    {
        var counts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 3 ? n
                : throw new ArgumentException($"--sites takes comma-separated counts of at least 3 sites, got '{t}'"))
            .ToArray();
        return counts.Length > 0 ? counts : throw new ArgumentException("--sites needs at least one count");
    }
}
