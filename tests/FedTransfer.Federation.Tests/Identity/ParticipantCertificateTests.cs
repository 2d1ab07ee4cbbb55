using System.Security.Cryptography.X509Certificates;
using FedTransfer.Federation.Identity;

namespace FedTransfer.Federation.Tests.Identity;

public sealed class ParticipantCertificateTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
    private readonly X509Certificate2 _ca = CertificateIssuer.CreateAuthority("test-ca", Now.AddDays(-30), Now.AddDays(30));
    private readonly X509Certificate2 _foreignCa = CertificateIssuer.CreateAuthority("foreign-ca", Now.AddDays(-30), Now.AddDays(30));

    private X509Certificate2 Site(X509Certificate2 ca, DateTimeOffset from, DateTimeOffset to) =>
        CertificateIssuer.Issue(ca, "site-a", ParticipantRole.Site, from, to);

    [Fact]
    public void Check_GoodSite_Null()
    {
        using var site = Site(_ca, Now.AddDays(-1), Now.AddDays(1));

        Assert.Null(ParticipantCertificate.Check(site, _ca, ParticipantRole.Site, Now));
    }

    [Fact]
    public void Check_ForeignCa_SaysNotChained()
    {
        using var site = Site(_foreignCa, Now.AddDays(-1), Now.AddDays(1));

        Assert.Contains("does not chain", ParticipantCertificate.Check(site, _ca, ParticipantRole.Site, Now));
    }

    [Fact]
    public void Check_Expired_SaysExpired()
    {
        using var site = Site(_ca, Now.AddDays(-10), Now.AddDays(-1));

        Assert.Contains("expired", ParticipantCertificate.Check(site, _ca, ParticipantRole.Site, Now));
    }

    [Fact]
    public void Check_NotYetValid_SaysNotValidBefore()
    {
        using var site = Site(_ca, Now.AddDays(1), Now.AddDays(2));

        Assert.Contains("not valid before", ParticipantCertificate.Check(site, _ca, ParticipantRole.Site, Now));
    }

    [Theory]
    [InlineData(ParticipantRole.Admin)]
    [InlineData(ParticipantRole.Coordinator)]
    public void Check_WrongRole_NamesTheRoleNeeded(ParticipantRole expected)
    {
        using var site = Site(_ca, Now.AddDays(-1), Now.AddDays(1));

        Assert.Contains($"needs OU={expected.ToText()}", ParticipantCertificate.Check(site, _ca, expected, Now));
    }

    [Fact]
    public void RoleOf_NoOrganizationalUnit_Null()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        using var plain = new CertificateRequest("CN=site-a", key, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .CreateSelfSigned(Now.AddDays(-1), Now.AddDays(1));

        Assert.Null(ParticipantCertificate.RoleOf(plain));
        Assert.Equal("site-a", ParticipantCertificate.NameOf(plain));
    }

    public void Dispose()
    {
        _ca.Dispose();
        _foreignCa.Dispose();
    }
}
