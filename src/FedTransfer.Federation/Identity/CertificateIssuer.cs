using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Federation.Identity;

/// <summary>
/// Issues the federation's certificates with the .NET base library only: a self-signed CA (basic constraints CA:true,
/// key usage keyCertSign) and ECDSA P-256 leaf certificates whose subject is <c>CN=name, OU=role</c>, with the extended
/// key usage of the role (serverAuth for the coordinator, clientAuth for sites and admins).
/// </summary>
public static class CertificateIssuer
{
    /// <summary>OID of the TLS server authentication extended key usage.</summary>
    public const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";

    /// <summary>OID of the TLS client authentication extended key usage.</summary>
    public const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    /// <summary>Creates a self-signed certificate authority (with its private key).</summary>
    public static X509Certificate2 CreateAuthority(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ParticipantName.Require(name, "CA name");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationalUnitName("ca");
        subject.AddCommonName(name);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>
    /// Issues a leaf certificate (with its private key) for <paramref name="name"/> in <paramref name="role"/>, signed by
    /// <paramref name="authority"/>. A coordinator certificate names <paramref name="hosts"/> (DNS names or IP addresses)
    /// plus localhost and 127.0.0.1 as subject alternative names.
    /// </summary>
    /// <exception cref="ArgumentException">A bad name or host, an authority without its private key, or a validity outside the authority's.</exception>
    public static X509Certificate2 Issue(X509Certificate2 authority, string name, ParticipantRole role,
        DateTimeOffset notBefore, DateTimeOffset notAfter, IEnumerable<string>? hosts = null)
    {
        ArgumentNullException.ThrowIfNull(authority);
        ParticipantName.Require(name, $"{role.ToText()} name");
        if (!authority.HasPrivateKey)
            throw new ArgumentException($"the CA certificate '{authority.Subject}' has no private key; load it with its key to issue certificates.");
        if (notAfter <= notBefore)
            throw new ArgumentException($"a certificate's end of validity ({notAfter:u}) must be after its start ({notBefore:u}).");

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationalUnitName(role.ToText());
        subject.AddCommonName(name);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usage = role == ParticipantRole.Coordinator ? ServerAuthOid : ClientAuthOid;
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        if (role == ParticipantRole.Coordinator)
            request.CertificateExtensions.Add(AlternativeNames(hosts ?? []));

        // A certificate may not outlive its issuer: chains would break before the leaf expires.
        var start = notBefore < authority.NotBefore.ToUniversalTime() ? new DateTimeOffset(authority.NotBefore.ToUniversalTime()) : notBefore;
        var end = notAfter > authority.NotAfter.ToUniversalTime() ? new DateTimeOffset(authority.NotAfter.ToUniversalTime()) : notAfter;
        using var issued = request.Create(authority, start, end, SerialNumber());
        return issued.CopyWithPrivateKey(key);
    }

    private static X509Extension AlternativeNames(IEnumerable<string> hosts)
    {
        var names = new SubjectAlternativeNameBuilder();
        var dns = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "localhost" };
        var addresses = new HashSet<IPAddress> { IPAddress.Loopback };
        foreach (var raw in hosts)
        {
            var host = raw.Trim();
            if (IPAddress.TryParse(host, out var address)) addresses.Add(address);
            else if (Uri.CheckHostName(host) == UriHostNameType.Dns) dns.Add(host);
            else throw new ArgumentException($"coordinator host '{raw}' is neither a DNS name nor an IP address.");
        }
        foreach (var name in dns) names.AddDnsName(name);
        foreach (var address in addresses) names.AddIpAddress(address);
        return names.Build(critical: false);
    }

    /// <summary>A random positive 16-byte serial number (RFC 5280 allows up to 20 octets).</summary>
    private static byte[] SerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        serial[0] |= 0x01;
        return serial;
    }
}
