using System.Globalization;
using Spectre.Console;

namespace FedTransfer.Cli.Experiment;

/// <summary>What the experiment prints while it runs and at the end.</summary>
internal static class ExperimentConsole
{
    public static void RunFinished(RunRecord r, int done, int total, TimeSpan took)
    {
        var who = r.SiteIndex is { } k ? $" site-{k + 1}" : "";
        var bytes = r.Method.Kind == MethodKind.Federated ? $", {r.Outcome.MeanUploadBytes:N0} B up/site/round" : "";
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"[{done}/{total}] alpha {r.Alpha:0.###} seed {r.Seed} {r.Method.Name}{who}: {r.Outcome.FinalAccuracy * 100:F1} %, " +
            $"95 % of it by round {r.Outcome.RoundsTo95}{bytes} ({took.TotalSeconds:F0} s)")));
    }

    public static void ShowTable(ExperimentOutcome outcome)
    {
        var table = new Table().Title("Test accuracy (mean ± std over seeds), upload per site per round, rounds to 95 % of final")
            .AddColumns("alpha", "method", "accuracy", "bytes up", "rounds to 95 %");
        foreach (var row in outcome.Rows)
        {
            var alpha = row.Alpha.ToString("0.###", CultureInfo.InvariantCulture);
            if (row.Unavailable is not null)
            {
                table.AddRow(alpha, Markup.Escape(row.Method.Name), "[yellow]not run[/]", "", "");
                continue;
            }
            table.AddRow(alpha, Markup.Escape(row.Method.Name), $"{row.Accuracy.Mean * 100:F1} ± {row.Accuracy.Std * 100:F1} %",
                row.Method.Kind == MethodKind.Federated ? row.UploadBytes.ToString("N0", CultureInfo.InvariantCulture) : "-", row.RoundsTo95.ToString("F1", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
    }
}
