using System.CommandLine;
using FedTransfer.Cli.Audit;
using FedTransfer.Federation.Ledger;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// <c>fedtransfer audit verify|reconcile|report</c>: the auditor's offline checks of a site ledger. Needs no coordinator
/// and no site: only the ledger, the CA certificate and, to reconcile, the coordinator's receipt log.
/// </summary>
internal static class AuditCommand
{
    /// <summary>Exit code when the ledger is invalid or does not reconcile (1 is a usage or I/O error).</summary>
    public const int FindingsExitCode = 2;

    public static Command Create() => new("audit", "Verify, reconcile and report a site's egress ledger (offline).")
    {
        AuditVerifyCommand.Create(), Reconcile(), Report(), AuditBundleCommand.Create(),
    };

    private static Command Reconcile()
    {
        var ledger = new Argument<string>("ledger") { Description = "The site's ledger file, or the folder of its segments." };
        var log = new Argument<string>("receipt-log") { Description = "The coordinator's receipt log (receipts.jsonl in its data directory)." };
        var ca = new Option<string?>("--ca") { Description = "CA certificate (PEM) the site and coordinator certificates must chain to." };
        var site = new Option<string?>("--site") { Description = "The site's id in the receipt log (default: the site ids on the ledger's receipts)." };
        var command = new Command("reconcile",
            "Verify the ledger and the receipt log, then pair every sent result with exactly one receipt and every receipt with exactly one sent result.")
        {
            ledger, log, ca, site,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(_ =>
        {
            var path = ExistingLedger(result.GetValue(ledger)!);
            var logPath = Existing(result.GetValue(log)!, "receipt log");
            var caFile = result.GetValue(ca);
            var trust = caFile is null ? null : CertificateTrust.FromPemFile(Existing(caFile, "CA certificate"));
            var outcome = LedgerReconciler.Reconcile(path, logPath, trust, result.GetValue(site));
            if (outcome.Refusal is { } refusal)
            {
                AnsiConsole.MarkupLine($"[red]NOT RECONCILED[/]: {Markup.Escape(refusal)}");
                return FindingsExitCode;
            }
            AnsiConsole.MarkupLine($"site id(s) {Markup.Escape(string.Join(", ", outcome.SiteIds))}: {outcome.LedgerResults} results sent per the ledger, " +
                $"{outcome.CoordinatorEntries} receipts in the coordinator's log, {outcome.Matched} matched one to one");
            if (outcome.IsConsistent)
            {
                AnsiConsole.MarkupLine("[green]CONSISTENT[/]: every sent result has exactly one receipt with its digest, and every receipt exactly one sent result");
                return 0;
            }
            var table = new Table().AddColumn("task").AddColumn("problem").AddColumn("details");
            foreach (var m in outcome.Mismatches) table.AddRow(Markup.Escape(m.TaskId), m.Kind.ToString(), Markup.Escape(m.Problem));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"[red]INCONSISTENT[/]: {outcome.Mismatches.Count} problem(s)");
            return FindingsExitCode;
        }, ct));
        return command;
    }

    private static Command Report()
    {
        var ledger = new Argument<string>("ledger") { Description = "The site's ledger file, or the folder of its segments." };
        var html = new Option<string?>("--html") { Description = "Also write a self-contained HTML page here." };
        var command = new Command("report", "Per federation and round: what left (tensors, shapes, bytes), what was refused, totals.") { ledger, html };
        command.SetAction((result, ct) => CommandRunner.RunAsync(_ =>
        {
            var path = ExistingLedger(result.GetValue(ledger)!);
            var summary = LedgerSummary.Build(path);
            var verification = new LedgerVerifier(null).Verify(path);
            AuditReportTable.Write(AnsiConsole.Console, path, summary, verification);
            if (result.GetValue(html) is { } htmlPath)
            {
                var full = Path.GetFullPath(htmlPath);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, AuditHtml.Render(path, summary, verification));
                AnsiConsole.MarkupLine($"Wrote {Markup.Escape(full)}");
            }
            return 0;
        }, ct));
        return command;
    }

    /// <summary>A ledger file, or a folder of its segments, as a full path.</summary>
    internal static string ExistingLedger(string path) =>
        File.Exists(path) || Directory.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException($"ledger '{path}' is neither a file nor a folder", path);

    internal static string Existing(string path, string what) =>
        File.Exists(path) ? Path.GetFullPath(path) : throw new FileNotFoundException($"{what} file '{path}' does not exist", path);
}
