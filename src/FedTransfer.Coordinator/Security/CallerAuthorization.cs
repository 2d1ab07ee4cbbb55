using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FedTransfer.Federation.Identity;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator.Security;

/// <summary>
/// The one place that decides who may call what, run by <see cref="CallerAuthorizationInterceptor"/> before every handler.
/// With client certificates required, every call must carry a certificate that chains to exactly the federation's CA
/// (custom root trust, never the machine's roots) and is valid now; its OU is the caller's role and must be one the
/// method allows (<see cref="MethodRoles"/>), its CN the caller's name, and it must not be on the federation's revocation
/// list (<see cref="RevocationListFile"/>). Admin calls also need the admin token when one is
/// configured. Each refusal is logged with the method, the caller and its address, and answered UNAUTHENTICATED (no or
/// bad certificate or token) or PERMISSION_DENIED (wrong role, someone else's object) with one line saying why.
/// </summary>
internal sealed class CallerAuthorization
{
    private readonly X509Certificate2? _authority;
    private readonly RevocationListFile? _revoked;
    private readonly TimeProvider _clock;
    private readonly ILogger<CallerAuthorization> _log;
    private readonly byte[]? _adminBearer;

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
            _revoked = new RevocationListFile(listener.RevocationListPath, _authority, clock, log);
        }
        if (options.Value.AdminToken.Length > 0) _adminBearer = Encoding.UTF8.GetBytes("Bearer " + options.Value.AdminToken);
    }

    /// <summary>True when every call (but health probes) must present a client certificate.</summary>
    public bool CertificatesRequired { get; }

    /// <summary>Decides a call before its handler runs; on success the certified caller is attached to the context.</summary>
    /// <exception cref="RpcException">UNAUTHENTICATED or PERMISSION_DENIED, logged, with the reason.</exception>
    public void Authorize(ServerCallContext context)
    {
        var method = context.Method;
        if (MethodRoles.IsPublic(method)) return;
        var allowed = MethodRoles.AllowedFor(method);
        if (allowed.Count == 0) throw Refuse(context, StatusCode.PermissionDenied, $"{method} is not a method this coordinator serves to anyone");
        var certificate = context.GetHttpContext().Connection.ClientCertificate;
        if (certificate is null)
        {
            if (CertificatesRequired)
                throw Refuse(context, StatusCode.Unauthenticated,
                    $"no client certificate was presented: this coordinator requires a TLS client certificate issued by the federation's CA ({Fix(allowed)})");
        }
        else if (_authority is not null)
        {
            if (ParticipantCertificate.CheckChain(certificate, _authority, _clock.GetUtcNow()) is { } invalid)
                throw Refuse(context, StatusCode.Unauthenticated, $"{invalid}; use a certificate issued by the federation's CA and valid now ({Fix(allowed)})");
            if (_revoked?.Current.IsRevoked(certificate) == true)
                throw Refuse(context, StatusCode.Unauthenticated,
                    $"certificate '{certificate.Subject}' (serial {certificate.SerialNumber}) is revoked by the federation's revocation list; ask the central team for a new one");
            var role = ParticipantCertificate.RoleOf(certificate);
            var wrongRole = role is { } r && allowed.Contains(r) ? ParticipantCertificate.CheckRole(certificate, r)
                : $"certificate '{certificate.Subject}' has role {(role is null ? "(none)" : role.Value.ToText())}, {method} needs OU={string.Join(" or OU=", allowed.Select(a => a.ToText()))}";
            if (wrongRole is not null) throw Refuse(context, StatusCode.PermissionDenied, wrongRole);
            new CallerIdentity(ParticipantCertificate.NameOf(certificate)!, role!.Value, certificate.Subject).AttachTo(context);
        }
        if (_adminBearer is not null && MethodRoles.IsAdmin(method) && !HasAdminToken(context))
            throw Refuse(context, StatusCode.Unauthenticated, "Admin calls need the header 'authorization: Bearer <token>' with the coordinator's admin token");
    }

    /// <summary>Logs a refusal of a call by a rule about its objects (someone else's artifact or task) and answers the exception to throw.</summary>
    public RpcException Refuse(ServerCallContext context, StatusCode status, string reason)
    {
        var caller = CallerIdentity.Of(context)?.Subject ?? context.GetHttpContext().Connection.ClientCertificate?.Subject ?? "anonymous";
        SecurityLog.CallRefused(_log, context.Method, caller, context.Peer, status.ToString(), reason);
        return new RpcException(new Status(status, reason));
    }

    private bool HasAdminToken(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        return header is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header), _adminBearer);
    }

    private static string Fix(IReadOnlyList<ParticipantRole> allowed) => allowed.Contains(ParticipantRole.Site)
        ? "configure the site's kit: ClientCertificateFile, ClientKeyFile and TrustedCaFile"
        : "pass the admin kit: --kit <admins/NAME> or --cert/--key/--ca";

    private static X509Certificate2 LoadAuthority(string path)
    {
        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Coordinator:Listener:ClientCaPath '{Path.GetFullPath(path)}' cannot be read as a CA certificate: {e.Message}", e);
        }
    }
}
