using System.CommandLine;
using FedTransfer.Federation.Ledger;
using Spectre.Console;

namespace FedTransfer.Cli.Commands;

/// <summary>
/// <c>fedtransfer audit verify LEDGER [--ca] [--receipts]</c>: the auditor's offline check of one site ledger, and with
/// the coordinator's receipt log, that the ledger still holds every head the site declared when sending.
/// </summary>
internal static class AuditVerifyCommand
{
    public static Command Create()
    {
        var ledger = new Argument<string>("ledger") { Description = "The site's ledger file (ledger.jsonl)." };
        var ca = new Option<string?>("--ca") { Description = "CA certificate (PEM) the site and coordinator certificates must chain to." };
        var receipts = new Option<string?>("--receipts")
        {
            Description = "The coordinator's receipt log (receipts.jsonl): verified too, and every ledger head the site declared in it must be in the ledger (a cut is found).",
        };
        var site = new Option<string?>("--site") { Description = "The site's id in the receipt log (default: the site ids on the ledger's receipts)." };
        var every = new Option<bool>("--every-signature") { Description = "Check each record's own signature too, not only the checkpoints' (slower)." };
        var threads = new Option<int>("--threads")
        {
            Description = "Threads to verify with (default: every core; 1 keeps it on one).", DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var command = new Command("verify",
            "Check line framing, sequence, hash chain, signatures, certificates, the allowlist and every receipt; exits non-zero naming the first bad record.")
        {
            ledger, ca, receipts, site, every, threads,
        };
        command.SetAction((result, ct) => CommandRunner.RunAsync(_ =>
        {
            var path = AuditCommand.Existing(result.GetValue(ledger)!, "ledger");
            var caFile = result.GetValue(ca);
            var trust = caFile is null ? null : CertificateTrust.FromPemFile(AuditCommand.Existing(caFile, "CA certificate"));
            ReceiptLogVerification? log = null;
            if (result.GetValue(receipts) is { } receiptFile)
            {
                log = ReceiptLogVerifier.Verify(AuditCommand.Existing(receiptFile, "receipt log"), trust);
                if (log.Failure is { } logFailure)
                {
                    AnsiConsole.MarkupLine($"[red]INVALID[/] receipt log: {Markup.Escape(logFailure)}");
                    return AuditCommand.FindingsExitCode;
                }
            }
            var options = new LedgerVerifierOptions { Parallelism = Math.Max(1, result.GetValue(threads)), EverySignature = result.GetValue(every) };
            var verification = new LedgerVerifier(trust, options).Verify(path);
            foreach (var warning in verification.Warnings.Concat(log?.Warnings ?? []).Distinct())
                AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
            if (verification.Failure is { } failure)
            {
                AnsiConsole.MarkupLine($"[red]INVALID[/] {Markup.Escape(path)}: {Markup.Escape(failure.ToString())}");
                return AuditCommand.FindingsExitCode;
            }
            if (log is not null && DeclaredHeads.Check(verification, log.Receipts, verification.SiteIdsFor(result.GetValue(site))) is { Count: > 0 } findings)
            {
                foreach (var finding in findings) AnsiConsole.MarkupLine($"[red]INVALID[/] {Markup.Escape(path)}: {Markup.Escape(finding.Problem)}");
                return AuditCommand.FindingsExitCode;
            }
            var signer = verification.Certified ? "its site certificate, which chains to the CA"
                : trust is null ? "its genesis key (no CA checked)" : "its genesis key";
            AnsiConsole.MarkupLine($"[green]VALID[/] {Markup.Escape(path)}: {verification.Records} records of site '{Markup.Escape(verification.Site ?? "")}' signed by {signer}; " +
                $"{verification.Sent} messages sent, {verification.Refused} refused, {verification.Receipts} receipts verified" +
                (log is null ? "" : $"; every ledger head declared in the coordinator's {log.Receipts.Count} receipts is in it"));
            AnsiConsole.MarkupLine($"head: record {verification.HeadSequence}, sha256 {verification.HeadHash}" +
                (log is null ? " (note it, or pass --receipts: a later copy must extend it)" : ""));
            return 0;
        }, ct));
        return command;
    }
}
