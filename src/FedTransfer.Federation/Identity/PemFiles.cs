using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace FedTransfer.Federation.Identity;

/// <summary>Writes and reads the PEM files of startup kits. Private keys are created owner-only (0600) from the first byte.</summary>
public static class PemFiles
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Writes the certificate (no key) as PEM.</summary>
    public static void WriteCertificate(string path, X509Certificate2 certificate) =>
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");

    /// <summary>Writes the certificate's ECDSA private key as PKCS#8 PEM, readable by the owner only.</summary>
    /// <exception cref="ArgumentException">The certificate carries no ECDSA private key.</exception>
    public static void WritePrivateKey(string path, X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey()
            ?? throw new ArgumentException($"certificate '{certificate.Subject}' has no ECDSA private key to write.");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        using var file = new FileStream(path, options);
        file.Write(Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n"));
        file.Flush(flushToDisk: true);
    }

    /// <summary>Loads a PEM certificate (no key).</summary>
    /// <exception cref="InvalidDataException">The file is missing or holds no certificate; the message names the file.</exception>
    public static X509Certificate2 ReadCertificate(string path)
    {
        try
        {
            return X509Certificate2.CreateFromPem(File.ReadAllText(path));
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidDataException($"cannot read a PEM certificate from '{Path.GetFullPath(path)}': {e.Message}", e);
        }
    }

    /// <summary>Loads a PEM certificate together with its PEM private key.</summary>
    /// <exception cref="InvalidDataException">A file is missing, or the key does not belong to the certificate.</exception>
    public static X509Certificate2 ReadCertificateWithKey(string certificatePath, string keyPath)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidDataException(
                $"cannot read the certificate '{Path.GetFullPath(certificatePath)}' with its key '{Path.GetFullPath(keyPath)}': {e.Message}", e);
        }
    }
}
