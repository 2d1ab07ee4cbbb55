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
        var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, ct) : "";
        // Each experiment rewrites only its own part of the file: the learning table keeps the central DP section, and back.
        var text = settings.CentralDpEpsilons.Count > 0
            ? CentralDpBenchmarks.Merge(existing, CentralDpBenchmarks.Render(settings, outcome, machine, command))
            : BenchmarksMarkdown.Render(settings, outcome, headline, machine, command) + CentralDpBenchmarks.SectionOf(existing);
        var temp = path + ".tmp";
        await File.WriteAllTextAsync(temp, text, ct);
        File.Move(temp, path, overwrite: true);
        ExperimentConsole.ShowTable(outcome);
        AnsiConsole.MarkupLine($"Wrote {Markup.Escape(path)} in {outcome.Elapsed.TotalMinutes:F1} min.");
        var lines = settings.CentralDpEpsilons.Count > 0 ? CentralDpBenchmarks.Lines(outcome.Rows) : headline.Lines();
        foreach (var line in lines) AnsiConsole.WriteLine(line); // plain text: the bench script and tests read these lines
        return 0;
    }
}
