using FedTransfer.Contracts.V1;

namespace FedTransfer.Cli;

/// <summary>How the CLI prints sizes, times, digests and states: one place so every table agrees.</summary>
internal static class Format
{
    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:F1} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):F2} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):F2} GiB",
    };

    public static string UnixMs(long ms) =>
        ms <= 0 ? "-" : DateTimeOffset.FromUnixTimeMilliseconds(ms).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss");

    public static string ShortDigest(string? digest) => string.IsNullOrEmpty(digest) ? "-" : digest[..Math.Min(12, digest.Length)];

    public static string RunState(RunState state) => state switch
    {
        Contracts.V1.RunState.Pending => "[yellow]pending[/]",
        Contracts.V1.RunState.Running => "[blue]running[/]",
        Contracts.V1.RunState.Finished => "[green]finished[/]",
        Contracts.V1.RunState.Failed => "[red]failed[/]",
        Contracts.V1.RunState.Paused => "[yellow]paused[/]",
        Contracts.V1.RunState.Cancelled => "[grey]cancelled[/]",
        _ => "?",
    };

    public static string Metric(IReadOnlyDictionary<string, double> metrics, string name, string format = "F4") =>
        metrics.TryGetValue(name, out var v) ? v.ToString(format) : "-";
}
