using System.Security.Cryptography.X509Certificates;
using FedTransfer.Federation.Identity;
using FedTransfer.Rpc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator.Security;

/// <summary>
/// Who may call what. With client certificates required (TLS listener with RequireClientCertificate and a client CA),
/// every call must carry a certificate issued by that CA and valid now; Federation calls need OU=site (the site's
/// identity is the certificate's CN), Admin calls need OU=admin. Each refusal is logged with the caller's address and
/// answered UNAUTHENTICATED (no or bad certificate) or PERMISSION_DENIED (wrong role); other callers are unaffected.
/// </summary>
internal sealed class CallerAuthorization
{
    private readonly X509Certificate2? _authority;
    private readonly TimeProvider _clock;
    private readonly ILogger<CallerAuthorization> _log;

    public CallerAuthorization(IOptions<CoordinatorOptions> options, TimeProvider clock, ILogger<CallerAuthorization> log)
    {
        _clock = clock;
        _log = log;
        var listener = options.Value.Listener;
        CertificatesRequired = listener.UseTls && listener.RequireClientCertificate;
        if (CertificatesRequired)
        {
            _authority = listener.ClientCa ?? LoadAuthority(listener.ClientCaPath!);
            SecurityLog.CertificatesRequired(log, _authority.Subject);
        }
    }

    /// <summary>True when every call must present a client certificate.</summary>
    public bool CertificatesRequired { get; }

    /// <summary>
    /// The calling site's identity (its certificate's CN), or null when it sent no certificate and none is required
    /// (plaintext development: the caller then decides whether a display name may stand in).
    /// </summary>
    /// <exception cref="RpcException">UNAUTHENTICATED without a valid certificate; PERMISSION_DENIED for a non-site certificate.</exception>
    public string? SiteOf(ServerCallContext context)
    {
        var certificate = Present(context, "a site", "configure the site's kit: ClientCertificateFile, ClientKeyFile and TrustedCaFile");
        if (certificate is null) return null;
        Authorize(context, certificate, ParticipantRole.Site);
        return ParticipantCertificate.NameOf(certificate)!;
    }

    /// <summary>Checks that an Admin call comes from an admin certificate when certificates are required (or when one is sent).</summary>
    /// <exception cref="RpcException">UNAUTHENTICATED without a valid certificate; PERMISSION_DENIED for a non-admin certificate.</exception>
    public void RequireAdmin(ServerCallContext context)
    {
        var certificate = Present(context, "an admin", "pass the admin kit: --kit <admins/NAME> or --cert/--key/--ca");
        if (certificate is not null) Authorize(context, certificate, ParticipantRole.Admin);
    }

    private X509Certificate2? Present(ServerCallContext context, string who, string fix)
    {
        if (context.ClientCertificate is { } certificate) return certificate;
        if (!CertificatesRequired) return null;
        throw Refuse(context, StatusCode.Unauthenticated, "no client certificate was presented",
            $"this coordinator requires a TLS client certificate of {who} issued by the federation's CA: {fix}");
    }

    private void Authorize(ServerCallContext context, X509Certificate2 certificate, ParticipantRole role)
    {
        // The handshake already checked the chain; checking again here keeps this class the one place that decides.
        if (_authority is not null && ParticipantCertificate.CheckChain(certificate, _authority, _clock.GetUtcNow()) is { } invalid)
            throw Refuse(context, StatusCode.Unauthenticated, invalid, invalid);
        if (ParticipantCertificate.CheckRole(certificate, role) is { } wrongRole)
            throw Refuse(context, StatusCode.PermissionDenied, wrongRole, $"{wrongRole} ({context.Method})");
    }

    private RpcException Refuse(ServerCallContext context, StatusCode status, string logReason, string answer)
    {
        SecurityLog.CallRefused(_log, context.Method, context.Peer, status.ToString(), logReason);
        return new RpcException(status, answer);
    }

    private static X509Certificate2 LoadAuthority(string path)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Coordinator:Listener:ClientCaPath '{Path.GetFullPath(path)}' cannot be read as a CA certificate: {e.Message}", e);
        }
    }
}
