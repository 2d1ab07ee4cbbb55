using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Ledger;

public class CertificateTrustTests
{
    [Fact]
    public void Check_SiteCertificateOfTheCa_Passes()
    {
        using var pki = new TestPki();
        using var site = pki.Issue("site-a", "site");

        Assert.Null(new CertificateTrust(pki.Ca).Check(site, "site", DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Check_WrongRole_IsNamed()
    {
        using var pki = new TestPki();
        using var admin = pki.Issue("alice", "admin");

        Assert.Contains("not a site certificate (OU=admin)", new CertificateTrust(pki.Ca).Check(admin, "site", DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Check_OtherCa_OrOutsideValidity_Fails()
    {
        using var pki = new TestPki();
        using var other = new TestPki("Other CA");
        using var site = other.Issue("site-a", "site");
        using var own = pki.Issue("site-b", "site", days: 1);
        var trust = new CertificateTrust(pki.Ca);

        Assert.Contains("does not chain", trust.Check(site, "site", DateTimeOffset.UtcNow));
        Assert.Contains("does not chain", trust.Check(own, "site", DateTimeOffset.UtcNow.AddDays(3)));
    }

    [Fact]
    public void FromPemFile_NotAPem_SaysWhichFile()
    {
        using var folder = new TempFolder();
        var path = folder.File("ca.pem");
        File.WriteAllText(path, "nope");

        Assert.Contains(path, Assert.Throws<InvalidOperationException>(() => CertificateTrust.FromPemFile(path)).Message);
    }
}
