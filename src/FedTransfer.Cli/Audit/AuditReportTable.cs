using FedTransfer.Federation.Ledger;
using Spectre.Console;

namespace FedTransfer.Cli.Audit;

/// <summary>The terminal form of <c>audit report</c>: a table per federation and round, refusals and totals.</summary>
internal static class AuditReportTable
{
    public static void Write(IAnsiConsole console, string path, LedgerSummary summary, LedgerVerification verification)
    {
        console.MarkupLine($"Ledger {Markup.Escape(path)} of site '{Markup.Escape(summary.Site ?? "?")}': {summary.Records} records; " +
            (verification.IsValid ? "[green]chain and signatures verify[/] (run audit verify --ca for certificates)"
                : $"[red]does NOT verify[/]: {Markup.Escape(verification.Failure!.ToString())}"));

        var rounds = new Table().Title("What left, per federation and round")
            .AddColumn("federation").AddColumn("run").AddColumn(new TableColumn("round").RightAligned())
            .AddColumn("tensors (name shape dtype bytes)").AddColumn(new TableColumn("bytes").RightAligned()).AddColumn("refused");
        foreach (var round in summary.Rounds)
        {
            rounds.AddRow(Markup.Escape(round.Federation), Markup.Escape(round.RunId), round.Round.ToString(),
                Markup.Escape(AuditText.Tensors(round)), Format.Bytes(round.SentBytes),
                Markup.Escape(string.Join("\n", round.Refused.Select(AuditText.Refusal))));
        }
        console.Write(rounds);

        if (summary.OtherRefused.Count > 0)
        {
            var other = new Table().Title("Other refused messages").AddColumn("record").AddColumn("kind").AddColumn("reason");
            foreach (var r in summary.OtherRefused) other.AddRow(r.Sequence.ToString(), Markup.Escape(r.Kind), Markup.Escape(r.Reason ?? ""));
            console.Write(other);
        }

        WritePrivacy(console, summary);

        var totals = new Table().Title("Totals").AddColumn("kind").AddColumn(new TableColumn("sent").RightAligned()).AddColumn(new TableColumn("refused").RightAligned());
        foreach (var (kind, (sent, refused)) in summary.Kinds) totals.AddRow(Markup.Escape(kind), sent.ToString(), refused.ToString());
        console.Write(totals);
        console.MarkupLine($"Payload bytes sent: {Format.Bytes(summary.TotalPayloadBytes)} ({summary.TotalPayloadBytes} bytes); receipts: {summary.Receipts}");
    }

    // The epsilon trajectory under a site privacy budget: one row per round that spent, in ledger order, and the
    // declines the budget caused. `audit verify` recomputes every epsilon shown here from the row's parameters.
    private static void WritePrivacy(IAnsiConsole console, LedgerSummary summary)
    {
        var records = summary.Rounds.SelectMany(r => r.Sent)
            .Where(r => r.Privacy?.Epsilon is not null || r.Declined == "PrivacyBudgetExhausted")
            .OrderBy(r => r.Sequence).ToList();
        if (records.Count == 0) return;
        var table = new Table().Title("Privacy spent (site budget), in ledger order")
            .AddColumn("federation").AddColumn("run").AddColumn(new TableColumn("round").RightAligned())
            .AddColumn(new TableColumn("noise multiplier").RightAligned()).AddColumn(new TableColumn("sampling rate").RightAligned())
            .AddColumn(new TableColumn("delta").RightAligned()).AddColumn(new TableColumn("rounds spent").RightAligned())
            .AddColumn(new TableColumn("epsilon").RightAligned());
        foreach (var r in records)
        {
            var p = r.Privacy;
            string[] cells = p?.Epsilon is { } epsilon
                ?
                [
                    Markup.Escape(r.Federation ?? ""), Markup.Escape(r.RunId ?? ""), (r.Round ?? 0).ToString(),
                    Invariant(p.NoiseMultiplier, "G4"), Invariant(p.SamplingRate ?? double.NaN, "G4"), Invariant(p.Delta ?? double.NaN, "G3"),
                    (p.Rounds ?? 0).ToString(), Invariant(epsilon, "0.####"),
                ]
                : [Markup.Escape(r.Federation ?? ""), Markup.Escape(r.RunId ?? ""), (r.Round ?? 0).ToString(), "", "", "", "", "[yellow]declined[/]"];
            table.AddRow(cells);
        }
        console.Write(table);
        var declined = records.Where(r => r.Privacy?.Epsilon is null).ToList();
        if (declined.Count > 0)
            console.MarkupLine(Markup.Escape($"{declined.Count} task(s) declined because the privacy budget was exhausted: " +
                string.Join(", ", declined.Select(r => $"{r.RunId} round {r.Round}"))));
    }

    private static string Invariant(double value, string format) => value.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
}
