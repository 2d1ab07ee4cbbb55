using FedTransfer.Federation.Hosting;
using Spectre.Console;

namespace FedTransfer.Cli;

/// <summary>
/// Spectre.Console's profile for this process. Width when stdout is not a terminal (a log file, a pipe, docker logs):
/// Spectre.Console then assumes 80 columns and wraps the demo's tables; 120 keeps a table row on one line (COLUMNS,
/// when set, still wins). Colour follows <see cref="TerminalColour"/>: Spectre decides ANSI support from TERM alone,
/// so without this a redirected demo log is full of escape codes.
/// </summary>
internal static class ConsoleWidth
{
    public const int Redirected = 120;

    public static void Apply()
    {
        if (Console.IsOutputRedirected && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("COLUMNS")))
            AnsiConsole.Profile.Width = Redirected;
        if (!TerminalColour.IsWantedOnStandardOutput()) DisableColour(AnsiConsole.Profile);
    }

    /// <summary>Plain text: no escape sequences at all, neither colours nor styles nor links.</summary>
    internal static void DisableColour(Profile profile)
    {
        profile.Capabilities.Ansi = false;
        profile.Capabilities.ColorSystem = ColorSystem.NoColors;
        profile.Capabilities.Links = false;
    }
}
