using Spectre.Console;
using Xunit;

namespace FedTransfer.Cli.Tests;

public sealed class ConsoleWidthTests
{
    [Fact]
    public void DisableColour_AConsoleThatWouldColour_WritesNoEscapeCodes()
    {
        var coloured = Render(disable: false);
        var plain = Render(disable: true);

        Assert.Contains('\u001b', coloured); // the console below does colour until told not to
        Assert.DoesNotContain('\u001b', plain);
        Assert.Contains("round 3 failed", plain);
    }

    private static string Render(bool disable)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.TrueColor,
            Out = new AnsiConsoleOutput(output),
        });
        if (disable) ConsoleWidth.DisableColour(console.Profile);
        console.MarkupLine("[bold red]round 3 failed[/]");
        return output.ToString();
    }
}
