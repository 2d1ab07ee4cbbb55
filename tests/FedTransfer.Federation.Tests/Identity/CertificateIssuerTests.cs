using System.Security.Cryptography.X509Certificates;
using FedTransfer.Federation.Identity;

namespace FedTransfer.Federation.Tests.Identity;

public sealed class CertificateIssuerTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
    private readonly X509Certificate2 _ca = CertificateIssuer.CreateAuthority("test-ca", Now.AddDays(-1), Now.AddDays(30));

    [Fact]
    public void CreateAuthority_IsCaWithKeyCertSign_SelfSigned()
    {
        var basic = _ca.Extensions.OfType<X509BasicConstraintsExtension>().Single();

        Assert.True(basic.CertificateAuthority);
        Assert.True(basic.Critical);
        Assert.True(_ca.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
        Assert.Equal(_ca.Subject, _ca.Issuer);
        Assert.True(_ca.HasPrivateKey);
    }

    [Theory]
    [InlineData(ParticipantRole.Site, CertificateIssuer.ClientAuthOid)]
    [InlineData(ParticipantRole.Admin, CertificateIssuer.ClientAuthOid)]
    [InlineData(ParticipantRole.Coordinator, CertificateIssuer.ServerAuthOid)]
    public void Issue_SubjectRoleAndUsage_EcdsaP256_ChainsToCa(ParticipantRole role, string usage)
    {
        using var leaf = CertificateIssuer.Issue(_ca, "node-1", role, Now.AddHours(-1), Now.AddDays(10), ["coord.example"]);

        Assert.Equal("node-1", ParticipantCertificate.NameOf(leaf));
        Assert.Equal(role, ParticipantCertificate.RoleOf(leaf));
        var usages = leaf.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>();
        Assert.Equal([usage], usages.Select(u => u.Value));
        Assert.False(leaf.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        using var key = leaf.GetECDsaPrivateKey()!;
        Assert.Equal(256, key.KeySize);
        Assert.Null(ParticipantCertificate.Check(leaf, _ca, role, Now));
    }

    [Fact]
    public void Issue_Coordinator_HasHostsLocalhostAndLoopback_SitesHaveNoNames()
    {
        using var coordinator = CertificateIssuer.Issue(_ca, "coordinator", ParticipantRole.Coordinator, Now, Now.AddDays(1), ["coord.example", "10.0.0.7"]);
        using var site = CertificateIssuer.Issue(_ca, "site-a", ParticipantRole.Site, Now, Now.AddDays(1));

        var names = coordinator.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["coord.example", "localhost"], names.EnumerateDnsNames().Order());
        Assert.Equal(["10.0.0.7", "127.0.0.1"], names.EnumerateIPAddresses().Select(a => a.ToString()).Order());
        Assert.Empty(site.Extensions.OfType<X509SubjectAlternativeNameExtension>());
    }

    [Fact]
    public void Issue_ValidityBeyondCa_ClampedToCa()
    {
        using var leaf = CertificateIssuer.Issue(_ca, "site-a", ParticipantRole.Site, Now, Now.AddDays(400));

        Assert.Equal(_ca.NotAfter, leaf.NotAfter);
    }

    [Theory]
    [InlineData("clinic a")]
    [InlineData("")]
    [InlineData("-dash")]
    [InlineData("../up")]
    public void Issue_BadName_Throws(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => CertificateIssuer.Issue(_ca, name, ParticipantRole.Site, Now, Now.AddDays(1)));

        Assert.Contains("not a valid name", e.Message);
    }

    [Fact]
    public void Issue_BadHost_Throws()
    {
        Assert.Throws<ArgumentException>(() => CertificateIssuer.Issue(_ca, "coordinator", ParticipantRole.Coordinator, Now, Now.AddDays(1), ["not a host"]));
    }

    public void Dispose() => _ca.Dispose();
}
