using System.Security.Authentication;

namespace FedTransfer.Site.Egress;

/// <summary>The site refused the coordinator's TLS certificate; the message is the one line saying which and why.</summary>
public sealed class CoordinatorCertificateRejectedException(string message) : AuthenticationException(message);
