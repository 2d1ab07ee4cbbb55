using FedTransfer.Federation.Ledger;
using Spectre.Console;

namespace FedTransfer.Cli.Demo;

/// <summary>
/// The auditor's step of the demo: each site's signed ledger is checked offline against the kit's CA, exactly as
/// <c>fedtransfer audit verify</c> does, and summarised. It shows the third user's view: what left each site, proved
/// from the site's own records rather than taken from the coordinator's word.
/// </summary>
internal static class DemoAudit
{
    /// <summary>The ledger file the demo gives site <paramref name="siteName"/> (beside its data, not inside it).</summary>
    public static string LedgerPath(string workDirectory, string siteName) => Path.Combine(workDirectory, siteName, "ledger.jsonl");

    /// <summary>Verifies every site's ledger and prints one row per site; returns false when any ledger fails.</summary>
    public static bool VerifyAndShow(string workDirectory, IReadOnlyList<string> siteNames, string caCertificate)
    {
        var trust = CertificateTrust.FromPemFile(caCertificate);
        var table = new Table().Title("[bold]10.[/] The auditor's view: each site's signed ledger checked offline against the kit's CA (hash chain, signatures, allowlist, receipts)")
            .AddColumns("site", "records", "sent", "refused", "signed receipts", "payload bytes out", "verdict");
        var allValid = true;
        foreach (var site in siteNames)
        {
            var path = LedgerPath(workDirectory, site);
            var verification = new LedgerVerifier(trust).Verify(path);
            var summary = LedgerSummary.Build(path);
            allValid &= verification.IsValid;
            table.AddRow(Markup.Escape(site), $"{verification.Records:N0}", $"{verification.Sent:N0}", $"{verification.Refused:N0}",
                $"{verification.Receipts:N0}", Format.Bytes(summary.TotalPayloadBytes),
                verification.IsValid ? "[green]verified[/]" : $"[red]{Markup.Escape(verification.Failure!.ToString())}[/]");
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"  Check one yourself: fedtransfer audit verify {Markup.Escape(LedgerPath(workDirectory, siteNames[0]))} --ca {Markup.Escape(caCertificate)}");
        return allValid;
    }
}
