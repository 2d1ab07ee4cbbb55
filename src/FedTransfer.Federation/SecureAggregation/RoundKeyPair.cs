using System.Security.Cryptography;
using System.Text;

namespace FedTransfer.Federation.SecureAggregation;

/// <summary>
/// One fresh ECDH P-256 key pair for one purpose in one round (.NET's own ECDiffieHellman: no extra native library on
/// sites or coordinator). Agreement output goes through HKDF-SHA256 with a label naming the purpose, run, round and
/// both parties, so a secret agreed for mask seeds is never the one that encrypts shares, and no two rounds share one.
/// </summary>
public sealed class RoundKeyPair : IDisposable
{
    /// <summary>Bytes of a public key on the wire: uncompressed SEC1 point 0x04 || X || Y.</summary>
    public const int PublicKeyBytes = 65;

    /// <summary>Bytes of a private scalar.</summary>
    public const int PrivateKeyBytes = 32;

    private readonly ECDiffieHellman _key;

    private RoundKeyPair(ECDiffieHellman key)
    {
        _key = key;
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        PublicKey = [0x04, .. Pad(q.X!), .. Pad(q.Y!)];
    }

    /// <summary>The public key to advertise.</summary>
    public byte[] PublicKey { get; }

    /// <summary>A new random key pair.</summary>
    public static RoundKeyPair Generate() => new(ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>The key pair whose private scalar is <paramref name="privateScalar"/> and public key <paramref name="publicKey"/> (a reconstructed key).</summary>
    /// <exception cref="ArgumentException">The scalar does not belong to the public key (a wrong reconstruction), or either is malformed.</exception>
    public static RoundKeyPair FromPrivate(ReadOnlySpan<byte> privateScalar, ReadOnlySpan<byte> publicKey)
    {
        if (privateScalar.Length != PrivateKeyBytes) throw new ArgumentException($"a P-256 private scalar is {PrivateKeyBytes} bytes, got {privateScalar.Length}");
        var parameters = new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = privateScalar.ToArray(), Q = Point(publicKey) };
        try
        {
            return new RoundKeyPair(ECDiffieHellman.Create(parameters));
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"the reconstructed private key does not match the advertised public key ({e.Message})", e);
        }
    }

    /// <summary>The private scalar, for Shamir sharing of the mask key.</summary>
    public byte[] ExportPrivateScalar() => Pad(_key.ExportParameters(includePrivateParameters: true).D!);

    /// <summary>A 32-byte secret agreed with <paramref name="peerPublicKey"/> for <paramref name="label"/>.</summary>
    /// <exception cref="ArgumentException">The peer's key is not a valid P-256 point.</exception>
    public byte[] Agree(ReadOnlySpan<byte> peerPublicKey, string label)
    {
        using var peer = Import(peerPublicKey);
        var raw = _key.DeriveRawSecretAgreement(peer.PublicKey);
        try
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA256, raw, 32, salt: [], info: Encoding.UTF8.GetBytes(label));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(raw);
        }
    }

    /// <summary>Whether <paramref name="publicKey"/> is a well-formed P-256 point.</summary>
    public static bool IsValidPublicKey(ReadOnlySpan<byte> publicKey)
    {
        try
        {
            using var key = Import(publicKey);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public void Dispose() => _key.Dispose();

    private static ECDiffieHellman Import(ReadOnlySpan<byte> publicKey)
    {
        try
        {
            return ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = Point(publicKey) });
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"a public key is not a valid P-256 point ({e.Message})", e);
        }
    }

    private static ECPoint Point(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.Length != PublicKeyBytes || publicKey[0] != 0x04)
            throw new ArgumentException($"a public key is {PublicKeyBytes} bytes, 0x04 || X || Y, got {publicKey.Length} bytes");
        return new ECPoint { X = publicKey[1..33].ToArray(), Y = publicKey[33..].ToArray() };
    }

    private static byte[] Pad(byte[] value)
    {
        if (value.Length == 32) return value;
        var padded = new byte[32];
        value.CopyTo(padded, 32 - value.Length);
        return padded;
    }
}
