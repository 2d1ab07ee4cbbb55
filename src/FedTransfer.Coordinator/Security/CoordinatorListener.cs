using FedTransfer.Rpc;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Coordinator.Security;

/// <summary>
/// The listener settings the coordinator hands to Kestrel. A presented client certificate that does not chain to the
/// client CA (or has expired) is refused in the TLS handshake and logged. A caller with no certificate at all is let
/// through the handshake on purpose and refused per call by <see cref="CallerAuthorization"/>: it then gets an
/// UNAUTHENTICATED answer saying what to configure instead of a bare connection reset, and the refusal is logged with
/// its address.
/// </summary>
internal static class CoordinatorListener
{
    public static GrpcListenerOptions ForKestrel(GrpcListenerOptions configured, ILogger log)
    {
        var listener = configured.Clone();
        listener.RequireClientCertificate = false;
        var previous = configured.ClientCertificateRefused;
        listener.ClientCertificateRefused = (certificate, reason) =>
        {
            SecurityLog.HandshakeRefused(log, certificate.Subject, reason);
            previous?.Invoke(certificate, reason);
        };
        return listener;
    }
}
