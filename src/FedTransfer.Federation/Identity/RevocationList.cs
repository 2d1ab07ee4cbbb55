using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Federation.Identity;

/// <summary>
/// The federation's certificate revocation list (X.509 CRL, RFC 5280), written by <c>fedtransfer revoke</c> and signed
/// with the CA's key. Read back only after its signature verifies against the CA, so a forged list can neither revoke
/// nor un-revoke anyone.
/// </summary>
public sealed class RevocationList
{
    private readonly HashSet<string> _serials;

    private RevocationList(HashSet<string> serials, BigInteger number)
    {
        _serials = serials;
        Number = number;
    }

    /// <summary>A list revoking nothing (no file).</summary>
    public static RevocationList Empty { get; } = new([], BigInteger.Zero);

    /// <summary>The CRL number: each list written is one higher than the one it replaces.</summary>
    public BigInteger Number { get; }

    /// <summary>How many certificates are revoked.</summary>
    public int Count => _serials.Count;

    /// <summary>True when the list names <paramref name="certificate"/>'s serial number.</summary>
    public bool IsRevoked(X509Certificate2 certificate) => _serials.Contains(Normalise(certificate.SerialNumberBytes.Span));

    /// <summary>A new list: <paramref name="previous"/>'s entries (PEM or DER, null for none) plus <paramref name="revoke"/>, signed by <paramref name="authority"/>.</summary>
    /// <param name="authority">The CA certificate with its private key.</param>
    public static byte[] Build(X509Certificate2 authority, byte[]? previous, X509Certificate2 revoke, DateTimeOffset now, TimeSpan validity)
    {
        var number = BigInteger.Zero;
        var builder = previous is null ? new CertificateRevocationListBuilder() : CertificateRevocationListBuilder.Load(Der(previous), out number);
        builder.AddEntry(revoke, now, X509RevocationReason.KeyCompromise);
        return builder.Build(authority, number + 1, now + validity, HashAlgorithmName.SHA256, thisUpdate: now);
    }

    /// <summary>Reads a list (PEM or DER) whose signature must verify against <paramref name="authority"/>.</summary>
    /// <exception cref="CryptographicException">Not a CRL, or not signed by <paramref name="authority"/>; the message says which.</exception>
    public static RevocationList Parse(byte[] encoded, X509Certificate2 authority)
    {
        var der = Der(encoded);
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var tbs = outer.ReadEncodedValue();
            outer.ReadSequence(); // signature algorithm: the CA's key decides how it verifies
            var signature = outer.ReadBitString(out _);
            if (!Verifies(authority, tbs.Span, signature))
                throw new CryptographicException($"the revocation list is not signed by the federation CA '{authority.Subject}'");
            CertificateRevocationListBuilder.Load(der, out var number);
            return new RevocationList(Serials(tbs), number);
        }
        catch (AsnContentException e)
        {
            throw new CryptographicException($"the revocation list is not a valid X.509 CRL: {e.Message}", e);
        }
    }

    private static HashSet<string> Serials(ReadOnlyMemory<byte> tbs)
    {
        var list = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
        if (list.PeekTag().HasSameClassAndValue(Asn1Tag.Integer)) list.ReadInteger(); // version
        list.ReadSequence(); // signature algorithm
        list.ReadEncodedValue(); // issuer
        list.ReadEncodedValue(); // thisUpdate
        if (list.HasData && (list.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || list.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
            list.ReadEncodedValue(); // nextUpdate
        var serials = new HashSet<string>(StringComparer.Ordinal);
        if (!list.HasData || !list.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence)) return serials;
        var entries = list.ReadSequence();
        while (entries.HasData) serials.Add(Normalise(entries.ReadSequence().ReadIntegerBytes().Span));
        return serials;
    }

    private static bool Verifies(X509Certificate2 authority, ReadOnlySpan<byte> tbs, byte[] signature)
    {
        using var ecdsa = authority.GetECDsaPublicKey();
        if (ecdsa is not null) return ecdsa.VerifyData(tbs, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        using var rsa = authority.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(tbs, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private static byte[] Der(byte[] encoded)
    {
        var text = System.Text.Encoding.ASCII.GetString(encoded);
        return PemEncoding.TryFind(text, out var fields) ? Convert.FromBase64String(text[fields.Base64Data]) : encoded;
    }

    /// <summary>Serial numbers compare as unsigned big-endian values, without leading zero bytes.</summary>
    private static string Normalise(ReadOnlySpan<byte> serial)
    {
        var start = 0;
        while (start < serial.Length - 1 && serial[start] == 0) start++;
        return Convert.ToHexString(serial[start..]);
    }
}
