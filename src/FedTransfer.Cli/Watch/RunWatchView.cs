using Spectre.Console;
using Spectre.Console.Rendering;

namespace FedTransfer.Cli.Watch;

/// <summary>Renders a <see cref="RunProgress"/>: round progress bar, per-site states, per-round metrics and traffic.</summary>
internal static class RunWatchView
{
    public static IRenderable Render(RunProgress run)
    {
        var done = run.CompletedTrainingRounds;
        var header = new Markup(
            $"Run [bold]{Markup.Escape(run.RunId)}[/]  round {run.CurrentRound}/{run.TotalRounds}  " +
            (run.FailureReason is not null ? $"[red]failed: {Markup.Escape(run.FailureReason)}[/]" :
             run.CancelReason is not null ? $"[grey]cancelled: {Markup.Escape(run.CancelReason)}[/]" :
             run.StopReason is not null ? $"[green]finished early: {Markup.Escape(run.StopReason)}[/]" :
             run.Finished ? "[green]finished[/]" : run.Paused ? "[yellow]paused[/]" : "[blue]running[/]") +
            (run.CentralDpEpsilon is { } epsilon ? $"  central DP ε {epsilon:0.###}" : ""));
        var bar = new BreakdownChart().Width(60)
            .AddItem("done", done, Color.Green)
            .AddItem("remaining", Math.Max(0, run.TotalRounds - done), Color.Grey);

        var sites = new Table().Title("Sites").AddColumns("site", "state", "sent", "train loss", "val acc");
        foreach (var s in run.Sites.OrderBy(s => s.SiteId, StringComparer.Ordinal))
            sites.AddRow(Markup.Escape(s.SiteId), StateMarkup(s.State), Format.Bytes(s.BytesSent),
                Format.Metric(s.LastMetrics, "train_loss"), Format.Metric(s.LastMetrics, "val_accuracy"));

        return new Rows(header, bar, sites, RoundsTable(run.Rounds));
    }

    /// <summary>One row per completed round; also used by the demo to print the table as rounds finish.</summary>
    public static Table RoundsTable(IEnumerable<RoundSummary> rounds)
    {
        var list = rounds.ToList();
        // Runs with agg=exact report how much of the mean LoRA product the rank-r re-factorisation discarded.
        var exact = list.Any(r => r.Metrics.ContainsKey(TruncationErrorMetric));
        var centralDp = list.Any(r => r.Metrics.ContainsKey(RunProgress.CentralDpEpsilonMetric));
        var table = new Table().Title("Rounds").AddColumns("round", "kind", "sites ok", "rejected", "late",
            "train loss", "val loss", "val acc", "bytes up", "bytes down", "seconds");
        if (exact) table.AddColumn("lora trunc err");
        if (centralDp) table.AddColumn("central DP ε");
        foreach (var r in list)
        {
            string[] cells = [r.Round.ToString(), r.Kind, r.Accepted.ToString(), r.Rejected.ToString(), r.Late.ToString(),
                Format.Metric(r.Metrics, "train_loss"), Format.Metric(r.Metrics, "val_loss"), Format.Metric(r.Metrics, "val_accuracy"),
                Format.Bytes(r.BytesIn), Format.Bytes(r.BytesOut), (r.DurationMs / 1000).ToString("F1")];
            if (exact) cells = [.. cells, Format.Metric(r.Metrics, TruncationErrorMetric)];
            if (centralDp) cells = [.. cells, Format.Metric(r.Metrics, RunProgress.CentralDpEpsilonMetric)];
            table.AddRow(cells);
        }
        return table;
    }

    private const string TruncationErrorMetric = FedTransfer.Federation.Strategies.ExactLoraStrategy.TruncationErrorMetric;

    private static string StateMarkup(string state) => state switch
    {
        "training" or "evaluating" => $"[blue]{state}[/]",
        "done" => "[green]done[/]",
        "rejected" => "[red]rejected[/]",
        "late" => "[yellow]late[/]",
        _ => $"[grey]{Markup.Escape(state)}[/]",
    };
}
