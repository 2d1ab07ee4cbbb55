using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Rpc;

/// <summary>Loads the listener's certificates and validates client certificates against the configured CA.</summary>
internal sealed class ListenerCertificates
{
    private ListenerCertificates(X509Certificate2 serverCertificate, X509Certificate2? clientCa)
    {
        ServerCertificate = serverCertificate;
        ClientCa = clientCa;
    }

    public X509Certificate2 ServerCertificate { get; }

    public X509Certificate2? ClientCa { get; }

    public static ListenerCertificates Load(GrpcListenerOptions options)
    {
        var server = options.ServerCertificate ?? LoadServerCertificate(options);
        if (!server.HasPrivateKey)
        {
            throw new ArgumentException($"Grpc listener: server certificate '{server.Subject}' has no private key; supply the key (CertificateKeyPath) or a PKCS#12 file.");
        }

        var ca = options.ClientCa ?? (options.ClientCaPath is null ? null : LoadFile(options.ClientCaPath, "ClientCaPath"));
        if (options.RequireClientCertificate && ca is null)
        {
            throw new ArgumentException("Grpc listener: RequireClientCertificate is set but no client CA is configured; set ClientCaPath or ClientCa.");
        }

        return new ListenerCertificates(server, ca);
    }

    /// <summary>
    /// The client certificate must chain to exactly our CA (not to any root the machine trusts), be valid now,
    /// and pass the optional application check. A refusal is reported to <paramref name="refused"/> with the reason.
    /// </summary>
    public static bool ValidateClient(X509Certificate2 certificate, X509Certificate2 ca, X509Chain? _, SslPolicyErrors __,
        Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool>? extra, Action<X509Certificate2, string>? refused = null)
    {
        var reason = Check(certificate, ca, extra);
        if (reason is not null) refused?.Invoke(certificate, reason);
        return reason is null;
    }

    private static string? Check(X509Certificate2 certificate, X509Certificate2 ca, Func<X509Certificate2, X509Chain?, SslPolicyErrors, bool>? extra)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (!chain.Build(certificate))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
            return $"the client certificate does not chain to the client CA '{ca.Subject}' or is outside its validity period " +
                   $"(issuer '{certificate.Issuer}', valid {certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}: {status})";
        }

        var root = chain.ChainElements[^1].Certificate;
        if (!root.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span))
        {
            return $"the client certificate chains to '{root.Subject}', not to the client CA '{ca.Subject}'";
        }

        return extra is null || extra(certificate, chain, SslPolicyErrors.None) ? null : "the client certificate was refused by the application's check";
    }

    private static X509Certificate2 LoadServerCertificate(GrpcListenerOptions options)
    {
        var path = options.CertificatePath
            ?? throw new ArgumentException("Grpc listener: an https:// Url needs a server certificate; set CertificatePath (and CertificateKeyPath for PEM) or ServerCertificate.");
        if (!File.Exists(path))
        {
            throw new ArgumentException($"Grpc listener: certificate file '{path}' does not exist.");
        }

        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is ".pfx" or ".p12")
            {
                return X509CertificateLoader.LoadPkcs12FromFile(path, options.CertificatePassword);
            }

            return X509Certificate2.CreateFromPemFile(path, options.CertificateKeyPath);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new ArgumentException($"Grpc listener: cannot load certificate '{path}': {ex.Message}", ex);
        }
    }

    private static X509Certificate2 LoadFile(string path, string setting)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"Grpc listener: {setting} '{path}' does not exist.");
        }

        try
        {
            return X509CertificateLoader.LoadCertificateFromFile(path);
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new ArgumentException($"Grpc listener: cannot load {setting} '{path}': {ex.Message}", ex);
        }
    }
}
