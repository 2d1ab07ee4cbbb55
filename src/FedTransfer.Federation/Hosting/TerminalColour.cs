namespace FedTransfer.Federation.Hosting;

/// <summary>
/// One rule for every process (CLI tables, site and coordinator logs): colour only on a terminal, and never when
/// <c>NO_COLOR</c> is set to anything non-empty (https://no-color.org). Redirected output (a log file, docker logs, a
/// pipe) stays free of escape codes that tools reading it would have to strip.
/// </summary>
public static class TerminalColour
{
    /// <summary>The environment variable that turns colour off whatever the output is.</summary>
    public const string NoColorVariable = "NO_COLOR";

    /// <summary>Whether to colour output written to a stream that <paramref name="redirected"/> says is or is not a terminal.</summary>
    public static bool IsWanted(bool redirected, string? noColor) => !redirected && string.IsNullOrEmpty(noColor);

    /// <summary>Whether to colour this process's standard output.</summary>
    public static bool IsWantedOnStandardOutput() =>
        IsWanted(Console.IsOutputRedirected, Environment.GetEnvironmentVariable(NoColorVariable));
}
