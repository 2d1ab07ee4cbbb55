using System.Security.Cryptography.X509Certificates;
using System.Text;
using FedTransfer.Federation.Identity;
using Grpc.Core;

namespace FedTransfer.Coordinator.Sites;

/// <summary>
/// Who a site is. With a TLS client certificate: the certificate's common name (contract: site identity = CN of an
/// OU=site certificate issued by the federation's CA), so a re-issued certificate keeps the identity. Without one
/// (plaintext development mode, when allowed): <c>name-{display name}</c>, a prefix no certificate name can collide with
/// by accident.
/// </summary>
internal static class SiteIdentity
{
    /// <summary>The identity of a caller without a certificate.</summary>
    /// <exception cref="RpcException">UNAUTHENTICATED when insecure identity is not allowed.</exception>
    public static string Insecure(string displayName, bool allowInsecure)
    {
        if (!allowInsecure)
            throw new RpcException(new Status(StatusCode.Unauthenticated, "a TLS client certificate is required to join: configure the site's client certificate issued by the federation's CA"));
        return "name-" + Sanitize(displayName);
    }

    /// <summary>The identity a certificate gives (its CN, with characters outside letters, digits, '.', '_', '-' replaced).</summary>
    public static string FromCertificate(X509Certificate2 certificate)
    {
        var name = ParticipantCertificate.NameOf(certificate);
        return Sanitize(string.IsNullOrEmpty(name) ? "site" : name);
    }

    /// <summary>Keeps ids printable and short: letters, digits, '.', '_' and '-'; other characters become '_'.</summary>
    private static string Sanitize(string text)
    {
        var builder = new StringBuilder(Math.Min(text.Length, 64));
        foreach (var c in text.Take(64)) builder.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_');
        return builder.ToString();
    }
}
