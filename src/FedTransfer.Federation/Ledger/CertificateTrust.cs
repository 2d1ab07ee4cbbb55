using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Federation.Ledger;

/// <summary>
/// Checks a participant certificate against the federation's CA, offline: it must chain to the CA (no system roots,
/// no revocation lookups), be valid at the given time and carry the expected role as its OU.
/// </summary>
public sealed class CertificateTrust
{
    private readonly X509Certificate2 _ca;

    public CertificateTrust(X509Certificate2 ca) => _ca = ca;

    /// <summary>Loads the CA certificate from a PEM file.</summary>
    /// <exception cref="InvalidOperationException">The file cannot be read as a PEM certificate.</exception>
    public static CertificateTrust FromPemFile(string caFile)
    {
        try
        {
            return new CertificateTrust(X509Certificate2.CreateFromPem(File.ReadAllText(caFile)));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException)
        {
            throw new InvalidOperationException($"CA certificate {caFile} cannot be read as a PEM certificate: {e.Message}", e);
        }
    }

    /// <summary>Null when <paramref name="certificate"/> chains to the CA at <paramref name="at"/> and has OU=<paramref name="role"/>; else why not.</summary>
    public string? Check(X509Certificate2 certificate, string role, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (!chain.Build(certificate))
        {
            var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            return $"certificate '{certificate.Subject}' does not chain to the CA '{_ca.Subject}' at {at:u} ({status})";
        }
        var ou = OrganizationalUnits(certificate);
        return ou.Contains(role, StringComparer.Ordinal) ? null : $"certificate '{certificate.Subject}' is not a {role} certificate (OU={string.Join(",", ou)})";
    }

    /// <summary>The OU values of the certificate's subject.</summary>
    public static IReadOnlyList<string> OrganizationalUnits(X509Certificate2 certificate) =>
        certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(r => r.GetSingleElementType().Value == "2.5.4.11")
            .Select(r => r.GetSingleElementValue() ?? "")
            .ToList();

    /// <summary>Parses a PEM certificate; null when it is not one.</summary>
    public static X509Certificate2? TryParse(string pem)
    {
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return null;
        }
    }
}
