using FedTransfer.Cli.Watch;
using FedTransfer.Contracts.V1;
using Spectre.Console;

namespace FedTransfer.Cli.Demo;

/// <summary>The demo's tables: the sites' data, one table per round, the final comparison and the traffic.</summary>
internal static class DemoReport
{
    public static void ShowSites(DemoData data)
    {
        var table = new Table().Title("[bold]2.[/] Site data (Fashion-MNIST classes 5-9, non-IID, never leaves the site)")
            .AddColumns("site", "images", "per class (sandal, shirt, sneaker, bag, boot)", "scanner shift");
        for (var k = 0; k < data.SiteNames.Count; k++)
            table.AddRow(data.SiteNames[k], data.SiteTrain[k].Count.ToString(),
                string.Join(" / ", data.SiteTrain[k].ClassCounts()), Markup.Escape(data.Shifts[k].ToString()));
        AnsiConsole.Write(table);
    }

    public static void ShowRound(RoundSummary round, IReadOnlyList<SiteUpdateReceived> updates)
    {
        var table = new Table().Title($"Round {round.Round} ({round.Kind}) — {round.DurationMs / 1000:F1} s")
            .AddColumns("site", "outcome", "examples", "train loss", "val loss", "val acc", "bytes up");
        foreach (var u in updates.OrderBy(u => u.SiteId, StringComparer.Ordinal))
            table.AddRow(Markup.Escape(u.SiteId), Outcome(u), u.ExampleCount.ToString(),
                Format.Metric(u.Metrics, "train_loss"), Format.Metric(u.Metrics, "val_loss"), Format.Metric(u.Metrics, "val_accuracy"),
                Format.Bytes(u.PayloadBytes));
        table.AddRow("[bold]aggregate[/]", $"{round.Accepted} ok", "", Format.Metric(round.Metrics, "train_loss"),
            Format.Metric(round.Metrics, "val_loss"), Format.Metric(round.Metrics, "val_accuracy"), Format.Bytes(round.BytesIn));
        AnsiConsole.Write(table);
    }

    public static void ShowComparison(IEnumerable<(string Name, double Accuracy, double Loss)> rows, int testImages)
    {
        var table = new Table().Title($"[bold]8.[/] Accuracy on {testImages} held-out test images of classes 5-9, every scanner")
            .AddColumns("model", "accuracy", "loss");
        foreach (var (name, accuracy, loss) in rows)
            table.AddRow(Markup.Escape(name), $"{accuracy * 100:F1} %", loss.ToString("F4"));
        AnsiConsole.Write(table);
    }

    public static void ShowTraffic(RunProgress progress, long backboneBytes, int sites)
    {
        var train = progress.Rounds.Where(r => r.Kind == "train").ToList();
        if (train.Count == 0)
            return;
        var upPerRound = train.Average(r => (double)r.BytesIn);
        var table = new Table().Title("[bold]9.[/] What crossed the network").AddColumns("", "bytes");
        table.AddRow("backbone (sent once to each site)", Format.Bytes(backboneBytes));
        table.AddRow("adapter deltas up, per round (all sites)", Format.Bytes((long)upPerRound));
        table.AddRow("adapter delta up, per site per round", Format.Bytes((long)(upPerRound / sites)));
        table.AddRow("per-site upload / backbone size", $"{upPerRound / sites / backboneBytes:P2}");
        AnsiConsole.Write(table);
    }

    private static string Outcome(SiteUpdateReceived u) => u.Outcome switch
    {
        ResultOutcome.Accepted => "[green]accepted[/]",
        ResultOutcome.Late => "[yellow]late[/]",
        ResultOutcome.Rejected => $"[red]rejected: {Markup.Escape(u.Reason)}[/]",
        _ => "?",
    };
}
