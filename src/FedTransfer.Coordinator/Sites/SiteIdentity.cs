using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FedTransfer.Rpc;

namespace FedTransfer.Coordinator.Sites;

/// <summary>
/// Who a caller is. With a TLS client certificate: <c>{common name}-{first 12 hex of the certificate's SHA-256}</c>,
/// stable for as long as the certificate is. Without one (plaintext development mode, when allowed): <c>name-{display name}</c>.
/// </summary>
internal static class SiteIdentity
{
    /// <summary>The identity of the caller of <paramref name="context"/>.</summary>
    /// <exception cref="RpcException">UNAUTHENTICATED when there is no certificate and insecure identity is not allowed.</exception>
    public static string Resolve(ServerCallContext context, string displayName, bool allowInsecure)
    {
        if (context.ClientCertificate is { } certificate) return FromCertificate(certificate);
        if (!allowInsecure)
            throw new RpcException(StatusCode.Unauthenticated, "a TLS client certificate is required to join: configure the site's client certificate issued by the federation's CA");
        return "name-" + Sanitize(displayName);
    }

    /// <summary>The identity a certificate gives.</summary>
    public static string FromCertificate(X509Certificate2 certificate)
    {
        var thumbprint = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
        var name = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        return $"{Sanitize(string.IsNullOrEmpty(name) ? "site" : name)}-{thumbprint[..12]}";
    }

    /// <summary>Keeps ids printable and short: letters, digits, '.', '_' and '-'; other characters become '_'.</summary>
    private static string Sanitize(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, 64));
        foreach (var c in text.Take(64)) builder.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        return builder.ToString();
    }
}
