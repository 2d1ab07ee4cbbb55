using System.Globalization;
using System.Net;
using System.Text;
using FedTransfer.Federation.Ledger;

namespace FedTransfer.Cli.Audit;

/// <summary>
/// The HTML form of <c>audit report</c>: one self-contained page (inline CSS, no scripts, no external assets). Every
/// value from the ledger is HTML-escaped: a ledger is evidence, and its text (tensor names, reasons) is not trusted.
/// </summary>
internal static class AuditHtml
{
    public static string Render(string path, LedgerSummary summary, LedgerVerification verification)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>FedTransfer ledger report</title>\n")
            .Append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin:1em 0}")
            .Append("td,th{border:1px solid #999;padding:4px 8px;vertical-align:top;text-align:left}td.n{text-align:right}")
            .Append(".ok{color:#060}.bad{color:#a00}pre{margin:0;font-family:monospace}</style></head><body>\n");
        html.Append("<h1>Ledger report</h1>\n<p>Ledger <code>").Append(E(path)).Append("</code> of site <strong>").Append(E(summary.Site ?? "?"))
            .Append("</strong>: ").Append(summary.Records).Append(" records. ");
        html.Append(verification.IsValid
            ? "<span class=\"ok\">Hash chain and signatures verify.</span>"
            : "<span class=\"bad\">Does NOT verify: " + E(verification.Failure!.ToString()) + "</span>");
        html.Append("</p>\n");

        html.Append("<h2>What left, per federation and round</h2>\n<table><tr><th>federation</th><th>run</th><th>round</th>")
            .Append("<th>tensors (name shape dtype bytes)</th><th>bytes</th><th>refused</th></tr>\n");
        foreach (var round in summary.Rounds)
        {
            html.Append("<tr><td>").Append(E(round.Federation)).Append("</td><td>").Append(E(round.RunId)).Append("</td><td class=\"n\">")
                .Append(round.Round.ToString(CultureInfo.InvariantCulture)).Append("</td><td><pre>").Append(E(AuditText.Tensors(round)))
                .Append("</pre></td><td class=\"n\">").Append(round.SentBytes.ToString(CultureInfo.InvariantCulture)).Append("</td><td><pre>")
                .Append(E(string.Join("\n", round.Refused.Select(AuditText.Refusal)))).Append("</pre></td></tr>\n");
        }
        html.Append("</table>\n");

        if (summary.OtherRefused.Count > 0)
        {
            html.Append("<h2>Other refused messages</h2>\n<table><tr><th>record</th><th>kind</th><th>reason</th></tr>\n");
            foreach (var r in summary.OtherRefused)
                html.Append("<tr><td class=\"n\">").Append(r.Sequence.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(E(r.Kind))
                    .Append("</td><td>").Append(E(r.Reason ?? "")).Append("</td></tr>\n");
            html.Append("</table>\n");
        }

        html.Append("<h2>Totals</h2>\n<table><tr><th>kind</th><th>sent</th><th>refused</th></tr>\n");
        foreach (var (kind, (sent, refused)) in summary.Kinds)
            html.Append("<tr><td>").Append(E(kind)).Append("</td><td class=\"n\">").Append(sent.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td class=\"n\">").Append(refused.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>\n");
        html.Append("</table>\n<p>Payload bytes sent: ").Append(summary.TotalPayloadBytes.ToString(CultureInfo.InvariantCulture))
            .Append("; receipts: ").Append(summary.Receipts.ToString(CultureInfo.InvariantCulture)).Append("</p>\n");
        foreach (var warning in verification.Warnings) html.Append("<p class=\"bad\">").Append(E(warning)).Append("</p>\n");
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
