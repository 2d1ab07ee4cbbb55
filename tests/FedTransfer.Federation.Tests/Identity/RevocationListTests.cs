using System.Security.Cryptography;
using FedTransfer.Federation.Identity;

namespace FedTransfer.Federation.Tests.Identity;

public sealed class RevocationListTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Build_ThenParse_ListsExactlyTheRevokedCertificates_AndAppends()
    {
        using var ca = CertificateIssuer.CreateAuthority("ca", Now.AddDays(-1), Now.AddDays(30));
        using var a = CertificateIssuer.Issue(ca, "site-a", ParticipantRole.Site, Now.AddDays(-1), Now.AddDays(10));
        using var b = CertificateIssuer.Issue(ca, "site-b", ParticipantRole.Site, Now.AddDays(-1), Now.AddDays(10));
        using var c = CertificateIssuer.Issue(ca, "site-c", ParticipantRole.Site, Now.AddDays(-1), Now.AddDays(10));

        var first = RevocationList.Build(ca, null, a, Now, TimeSpan.FromDays(30));
        var second = RevocationList.Build(ca, first, b, Now.AddMinutes(1), TimeSpan.FromDays(30));
        var list = RevocationList.Parse(second, ca);

        Assert.True(list.IsRevoked(a));
        Assert.True(list.IsRevoked(b));
        Assert.False(list.IsRevoked(c));
        Assert.Equal(2, list.Count);
        Assert.Equal(2, (int)list.Number);
    }

    [Fact]
    public void Parse_PemForm_SameAsDer()
    {
        using var ca = CertificateIssuer.CreateAuthority("ca", Now.AddDays(-1), Now.AddDays(30));
        using var a = CertificateIssuer.Issue(ca, "site-a", ParticipantRole.Site, Now.AddDays(-1), Now.AddDays(10));
        var der = RevocationList.Build(ca, null, a, Now, TimeSpan.FromDays(30));

        var pem = System.Text.Encoding.ASCII.GetBytes(PemEncoding.WriteString("X509 CRL", der));

        Assert.True(RevocationList.Parse(pem, ca).IsRevoked(a));
    }

    [Fact]
    public void Parse_SignedByAnotherCa_Refused()
    {
        using var ca = CertificateIssuer.CreateAuthority("ca", Now.AddDays(-1), Now.AddDays(30));
        using var other = CertificateIssuer.CreateAuthority("ca", Now.AddDays(-1), Now.AddDays(30));
        using var a = CertificateIssuer.Issue(ca, "site-a", ParticipantRole.Site, Now.AddDays(-1), Now.AddDays(10));
        var forged = RevocationList.Build(other, null, a, Now, TimeSpan.FromDays(30));

        var e = Assert.Throws<CryptographicException>(() => RevocationList.Parse(forged, ca));

        Assert.Contains("not signed by the federation CA", e.Message);
    }

    [Fact]
    public void Parse_NotACrl_Refused()
    {
        using var ca = CertificateIssuer.CreateAuthority("ca", Now.AddDays(-1), Now.AddDays(30));

        Assert.Throws<CryptographicException>(() => RevocationList.Parse([0x30, 0x03, 0x02, 0x01, 0x05], ca));
    }
}
