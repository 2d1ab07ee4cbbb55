using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator.Security;

/// <summary>
/// The coordinator's own TLS certificate at start: expired or not yet valid stops the start (serving it would only make
/// every site's handshake fail with an unreadable error); one that expires within <see cref="WarnWithin"/> is logged as a
/// warning so the central team re-issues it before the sites are cut off. A file that cannot be read is left to the
/// listener's own error, which names it.
/// </summary>
internal sealed class CertificateLifetimeValidator(TimeProvider clock, ILogger<CertificateLifetimeValidator> log) : IValidateOptions<CoordinatorOptions>
{
    public static readonly TimeSpan WarnWithin = TimeSpan.FromDays(30);

    public ValidateOptionsResult Validate(string? name, CoordinatorOptions options)
    {
        if (options.Listener is not { UseTls: true } listener) return ValidateOptionsResult.Success;
        using var certificate = listener.ServerCertificate is { } given ? new X509Certificate2(given) : TryRead(listener.CertificatePath, listener.CertificatePassword);
        if (certificate is null) return ValidateOptionsResult.Success;
        var error = Check(certificate, clock.GetUtcNow(), out var warning);
        if (warning is not null) SecurityLog.CertificateExpiresSoon(log, warning);
        return error is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(error);
    }

    /// <summary>The reason to refuse the certificate at <paramref name="now"/>, or null; <paramref name="warning"/> when it expires soon.</summary>
    internal static string? Check(X509Certificate2 certificate, DateTimeOffset now, out string? warning)
    {
        warning = null;
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime(), TimeSpan.Zero);
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        if (now > notAfter)
            return $"Coordinator:Listener:CertificatePath: the coordinator certificate '{certificate.Subject}' expired on {notAfter:u}; " +
                   "issue a new one (fedtransfer provision) and restart";
        if (now < notBefore)
            return $"Coordinator:Listener:CertificatePath: the coordinator certificate '{certificate.Subject}' is not valid before {notBefore:u}; " +
                   "check this machine's clock or issue a certificate valid now";
        if (notAfter - now <= WarnWithin)
            warning = $"the coordinator certificate '{certificate.Subject}' expires on {notAfter:u}, in {(notAfter - now).TotalDays:F0} days; " +
                      "issue a new one before then or sites can no longer connect";
        return null;
    }

    private static X509Certificate2? TryRead(string? path, string? password)
    {
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path)) return null;
        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            return extension is ".pfx" or ".p12" ? X509CertificateLoader.LoadPkcs12FromFile(path, password) : X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
