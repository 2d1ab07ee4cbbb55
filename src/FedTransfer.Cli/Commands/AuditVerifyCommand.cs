using System.CommandLine;
using FedTransfer.Cli.Audit;
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
        var ledger = new Argument<string>("ledger") { Description = "The site's ledger file (ledger.jsonl), the folder of its segments, or an audit bundle." };
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
            var path = AuditCommand.ExistingLedger(result.GetValue(ledger)!);
            var options = new LedgerVerifierOptions { Parallelism = Math.Max(1, result.GetValue(threads)), EverySignature = result.GetValue(every) };
            var caFile = result.GetValue(ca) is { } c ? AuditCommand.Existing(c, "CA certificate") : null;
            var receiptFile = result.GetValue(receipts) is { } r ? AuditCommand.Existing(r, "receipt log") : null;
            if (!AuditBundle.IsBundle(path)) return Run(path, caFile, receiptFile, result.GetValue(site), options);
            // A bundle: its own receipt log, and its CA unless the auditor gives the one they trust.
            var folder = Directory.CreateTempSubdirectory("fedtransfer-audit-bundle-").FullName;
            try
            {
                var contents = AuditBundle.Extract(path, folder);
                if (caFile is null && contents.CaFile is { } bundled)
                    AnsiConsole.MarkupLine($"[yellow]warning:[/] the CA certificate was taken from the bundle (SHA-256 {AuditBundle.Fingerprint(bundled)}): " +
                        "compare it with the federation's CA, or pass the one you trust with --ca");
                return Run(contents.Ledger, caFile ?? contents.CaFile, receiptFile ?? contents.ReceiptLog, result.GetValue(site), options);
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }, ct));
        return command;
    }

    private static int Run(string path, string? caFile, string? receiptFile, string? site, LedgerVerifierOptions options)
    {
        var trust = caFile is null ? null : CertificateTrust.FromPemFile(caFile);
        ReceiptLogVerification? log = null;
        if (receiptFile is not null)
        {
            log = ReceiptLogVerifier.Verify(receiptFile, trust);
            if (log.Failure is { } logFailure)
            {
                AnsiConsole.MarkupLine($"[red]INVALID[/] receipt log: {Markup.Escape(logFailure)}");
                return AuditCommand.FindingsExitCode;
            }
        }
        var verification = new LedgerVerifier(trust, options).Verify(path);
        foreach (var warning in verification.Warnings.Concat(log?.Warnings ?? []).Distinct())
            AnsiConsole.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
        if (verification.Failure is { } failure)
        {
            AnsiConsole.MarkupLine($"[red]INVALID[/] {Markup.Escape(path)}: {Markup.Escape(failure.ToString())}");
            return AuditCommand.FindingsExitCode;
        }
        if (log is not null && DeclaredHeads.Check(verification, log.Receipts, verification.SiteIdsFor(site)) is { Count: > 0 } findings)
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
        // Every recorded epsilon was recomputed from its round's recorded parameters (a mismatch is a finding above).
        foreach (var (federation, epsilon) in verification.PrivacySpent)
            AnsiConsole.MarkupLine(Markup.Escape(FormattableString.Invariant(
                $"privacy spent in federation '{federation}': epsilon {epsilon:0.####} (recomputed from the recorded noise multiplier, sampling rate and delta of every round)")));
        return 0;
    }
}
