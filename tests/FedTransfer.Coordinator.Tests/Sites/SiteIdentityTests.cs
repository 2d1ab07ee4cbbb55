using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FedTransfer.Coordinator.Sites;
using Grpc.Core;

namespace FedTransfer.Coordinator.Tests.Sites;

public class SiteIdentityTests
{
    private static X509Certificate2 Certificate(string cn)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    [Fact]
    public void FromCertificate_IsTheCommonName_SameForReissuedCertificates()
    {
        using var a = Certificate("clinic-north");
        using var b = Certificate("clinic-north");

        Assert.Equal("clinic-north", SiteIdentity.FromCertificate(a));
        Assert.Equal(SiteIdentity.FromCertificate(a), SiteIdentity.FromCertificate(b));
    }

    [Fact]
    public void FromCertificate_UnusualCharacters_Sanitized()
    {
        using var cert = Certificate("Clinic North");

        Assert.Equal("Clinic_North", SiteIdentity.FromCertificate(cert));
    }

    [Fact]
    public void Insecure_Allowed_UsesSanitizedDisplayName()
    {
        Assert.Equal("name-a_b_c", SiteIdentity.Insecure("a/b c", allowInsecure: true));
    }

    [Fact]
    public void Insecure_Refused_IsUnauthenticated()
    {
        var e = Assert.Throws<RpcException>(() => SiteIdentity.Insecure("a", allowInsecure: false));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }
}
