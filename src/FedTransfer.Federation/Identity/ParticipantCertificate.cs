using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Federation.Identity;

/// <summary>
/// Reads and checks a participant's certificate: its name (CN), its role (OU), whether it chains to exactly the
/// federation's CA (custom root trust, never the machine's trust store), is within its validity period and carries the
/// extended key usage of its role.
/// </summary>
public static class ParticipantCertificate
{
    private const string CommonNameOid = "2.5.4.3";
    private const string OrganizationalUnitOid = "2.5.4.11";

    /// <summary>The subject's common name, or null when it has none (or more than one).</summary>
    public static string? NameOf(X509Certificate2 certificate) => SingleAttribute(certificate, CommonNameOid);

    /// <summary>The role in the subject's OU, or null when there is none, several, or an unknown one.</summary>
    public static ParticipantRole? RoleOf(X509Certificate2 certificate) =>
        ParticipantRoles.TryParse(SingleAttribute(certificate, OrganizationalUnitOid), out var role) ? role : null;

    /// <summary>
    /// Null when <paramref name="certificate"/> is a valid certificate of <paramref name="expected"/> issued by
    /// <paramref name="authority"/> and valid at <paramref name="now"/>; otherwise one line saying why not.
    /// </summary>
    public static string? Check(X509Certificate2 certificate, X509Certificate2 authority, ParticipantRole expected, DateTimeOffset now) =>
        CheckChain(certificate, authority, now) ?? CheckRole(certificate, expected);

    /// <summary>
    /// Null when the certificate's subject says <paramref name="expected"/> (OU), names a participant (CN) and carries the
    /// extended key usage of that role; otherwise one line saying why not. Does not look at the issuer.
    /// </summary>
    public static string? CheckRole(X509Certificate2 certificate, ParticipantRole expected)
    {
        var role = RoleOf(certificate);
        if (role != expected)
            return $"certificate '{certificate.Subject}' has role {(role is null ? "(none)" : role.Value.ToText())}, this call needs OU={expected.ToText()}";
        var usage = expected == ParticipantRole.Coordinator ? CertificateIssuer.ServerAuthOid : CertificateIssuer.ClientAuthOid;
        if (!HasUsage(certificate, usage))
            return $"certificate '{certificate.Subject}' lacks the extended key usage {usage} its role needs";
        if (!ParticipantName.IsValid(NameOf(certificate)))
            return $"certificate '{certificate.Subject}' has no usable common name (letters, digits, '.', '_', '-')";
        return null;
    }

    /// <summary>Null when the certificate chains to exactly <paramref name="authority"/> and is valid at <paramref name="now"/>; else why not.</summary>
    public static string? CheckChain(X509Certificate2 certificate, X509Certificate2 authority, DateTimeOffset now)
    {
        if (now.UtcDateTime < certificate.NotBefore.ToUniversalTime())
            return $"certificate '{certificate.Subject}' is not valid before {certificate.NotBefore.ToUniversalTime():u}";
        if (now.UtcDateTime > certificate.NotAfter.ToUniversalTime())
            return $"certificate '{certificate.Subject}' expired on {certificate.NotAfter.ToUniversalTime():u}";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (!chain.Build(certificate))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
            // Every kit's CA has the same name: the key identifiers tell a certificate of another federation apart.
            return $"certificate '{certificate.Subject}' issued by '{certificate.Issuer}'{IssuerKey(certificate)} does not chain to the federation CA " +
                   $"'{authority.Subject}'{SubjectKey(authority)} ({status})";
        }
        var root = chain.ChainElements[^1].Certificate;
        return root.RawDataMemory.Span.SequenceEqual(authority.RawDataMemory.Span)
            ? null
            : $"certificate '{certificate.Subject}' chains to '{root.Subject}', not to the federation CA";
    }

    private static string IssuerKey(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier is { } id
            ? $" (CA key {Convert.ToHexStringLower(id.Span)[..Math.Min(16, id.Length * 2)]})" : "";

    private static string SubjectKey(X509Certificate2 authority) =>
        authority.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifier is { Length: > 0 } id
            ? $" (key {id.ToLowerInvariant()[..Math.Min(16, id.Length)]})" : "";

    private static bool HasUsage(X509Certificate2 certificate, string oid) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .Any(e => e.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>().Any(u => u.Value == oid));

    private static string? SingleAttribute(X509Certificate2 certificate, string oid)
    {
        string? found = null;
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.HasMultipleElements || rdn.GetSingleElementType().Value != oid) continue;
            if (found is not null) return null;
            found = rdn.GetSingleElementValue();
        }
        return found;
    }
}
