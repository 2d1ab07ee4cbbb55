using System.CommandLine;
using FedTransfer.Cli.Audit;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary><c>fedtransfer audit bundle LEDGER --receipts FILE [--ca FILE] --out FILE</c>: one file an auditor verifies offline.</summary>
internal static class AuditBundleCommand
{
    public static Command Create()
    {
        var ledger = new Argument<string>("ledger") { Description = "The site's ledger file, or the folder of its segments." };
        var receipts = new Option<string>("--receipts") { Description = "The coordinator's receipt log (receipts.jsonl).", Required = true };
        var ca = new Option<string?>("--ca") { Description = "The federation's CA certificate (PEM), bundled for convenience." };
        var output = new Option<string>("--out") { Description = "The bundle to write (a zip).", Required = true };
        var command = new Command("bundle", "Write the ledger's segments, the receipt log and the CA certificate into one file for `audit verify BUNDLE`.")
        {
            ledger, receipts, ca, output,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(_ =>
        {
            var path = AuditCommand.ExistingLedger(result.GetValue(ledger)!);
            var receiptLog = AuditCommand.Existing(result.GetValue(receipts)!, "receipt log");
            var caFile = result.GetValue(ca) is { } c ? AuditCommand.Existing(c, "CA certificate") : null;
            var target = Path.GetFullPath(result.GetValue(output)!);
            var segments = AuditBundle.Write(path, receiptLog, caFile, target);
            AnsiConsole.MarkupLine($"wrote {Markup.Escape(target)}: {segments} ledger file(s), the receipt log{(caFile is null ? "" : ", the CA certificate")}; " +
                $"check it with: fedtransfer audit verify {Markup.Escape(target)}");
            return 0;
        }, ct));
        return command;
    }
}
