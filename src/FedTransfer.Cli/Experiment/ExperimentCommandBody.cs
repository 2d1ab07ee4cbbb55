using FedTransfer.Cli.Commands;
using Spectre.Console;

namespace FedTransfer.Cli.Experiment;

/// <summary>Runs the experiment, writes the markdown and prints the table and the closing key=value lines.</summary>
internal static class ExperimentCommandBody
{
    public static async Task<int> RunAsync(ExperimentSettings settings, string command, CancellationToken ct)
    {
        var machine = MachineInfo.Current(DateTime.UtcNow);
        var outcome = await new ExperimentRunner(settings).RunAsync(ct);
        var headline = Headline.From(outcome.Rows, outcome.BackboneBytes);
        var path = Path.GetFullPath(settings.OutputPath);
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, BenchmarksMarkdown.Render(settings, outcome, headline, machine, command), ct);
        File.Move(temp, path, overwrite: true);
        ExperimentConsole.ShowTable(outcome);
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(path)} in {outcome.Elapsed.TotalMinutes:F1} min.");
        foreach (var line in headline.Lines()) AnsiConsole.WriteLine(line); // plain text: the bench script and tests read these lines
        return 0;
    }
}
