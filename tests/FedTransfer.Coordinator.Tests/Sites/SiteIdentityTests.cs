using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FedTransfer.Coordinator.Sites;
using FedTransfer.Rpc;

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
    public void Resolve_WithCertificate_UsesNameAndThumbprint_EvenWhenInsecureIsAllowed()
    {
        using var cert = Certificate("Clinic North");

        var id = SiteIdentity.Resolve(new ServerCallContext(clientCertificate: cert), "anything", allowInsecure: true);

        Assert.Equal($"Clinic_North-{Convert.ToHexStringLower(SHA256.HashData(cert.RawData))[..12]}", id);
    }

    [Fact]
    public void Resolve_NoCertificate_InsecureAllowed_UsesSanitizedDisplayName()
    {
        Assert.Equal("name-a_b_c", SiteIdentity.Resolve(new ServerCallContext(), "a/b c", allowInsecure: true));
    }

    [Fact]
    public void Resolve_NoCertificate_InsecureRefused_IsUnauthenticated()
    {
        var e = Assert.Throws<RpcException>(() => SiteIdentity.Resolve(new ServerCallContext(), "a", allowInsecure: false));

        Assert.Equal(StatusCode.Unauthenticated, e.Status);
    }

    [Fact]
    public void FromCertificate_DifferentCertificatesSameName_DifferentIds()
    {
        using var a = Certificate("site");
        using var b = Certificate("site");

        Assert.NotEqual(SiteIdentity.FromCertificate(a), SiteIdentity.FromCertificate(b));
    }
}
