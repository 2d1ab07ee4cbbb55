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

        var totals = new Table().Title("Totals").AddColumn("kind").AddColumn(new TableColumn("sent").RightAligned()).AddColumn(new TableColumn("refused").RightAligned());
        foreach (var (kind, (sent, refused)) in summary.Kinds) totals.AddRow(Markup.Escape(kind), sent.ToString(), refused.ToString());
        console.Write(totals);
        console.MarkupLine($"Payload bytes sent: {Format.Bytes(summary.TotalPayloadBytes)} ({summary.TotalPayloadBytes} bytes); receipts: {summary.Receipts}");
    }
}
