using Spectre.Console;

namespace FedTransfer.Cli;

/// <summary>
/// Output width when stdout is not a terminal (a log file, a pipe, docker logs): Spectre.Console then assumes 80
/// columns and wraps the demo's tables; 120 keeps a table row on one line. COLUMNS, when set, still wins.
/// </summary>
internal static class ConsoleWidth
{
    public const int Redirected = 120;

    public static void Apply()
    {
        if (Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("COLUMNS")))
            AnsiConsole.Profile.Width = Redirected;
    }
}
