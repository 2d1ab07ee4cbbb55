using FedTransfer.Cli.Audit;
using FedTransfer.Cli.Tests.TestSupport;
using FedTransfer.Federation.Ledger;

namespace FedTransfer.Cli.Tests.Audit;

public sealed class AuditHtmlTests
{
    [Fact]
    public void Render_EscapesLedgerText_AndUsesNoExternalAssets()
    {
        using var ledger = new AuditLedger();

        var html = AuditHtml.Render(ledger.LedgerPath, LedgerSummary.Build(ledger.LedgerPath), new LedgerVerifier(null).Verify(ledger.LedgerPath));

        Assert.DoesNotContain("<script>", html);
        Assert.DoesNotContain("<b>", html);
        Assert.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp;", html);
        Assert.Contains("clinic &lt;b&gt;", html);
        Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html);
        Assert.Contains("lora.a [2, 4] F32 32", html);
    }
}
