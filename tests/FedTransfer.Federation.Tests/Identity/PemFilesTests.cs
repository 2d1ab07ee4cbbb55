using FedTransfer.Federation.Identity;

namespace FedTransfer.Federation.Tests.Identity;

public sealed class PemFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fedtransfer-pem-").FullName;

    [Fact]
    public void WriteAndRead_RoundTrip_KeyOwnerOnly()
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateIssuer.CreateAuthority("ca", now.AddDays(-1), now.AddDays(1));
        var cert = Path.Combine(_dir, "cert.pem");
        var key = Path.Combine(_dir, "key.pem");

        PemFiles.WriteCertificate(cert, ca);
        PemFiles.WritePrivateKey(key, ca);
        using var back = PemFiles.ReadCertificateWithKey(cert, key);

        Assert.Equal(ca.RawData, back.RawData);
        Assert.True(back.HasPrivateKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
    }

    [Fact]
    public void WritePrivateKey_ExistingFile_NotOverwritten()
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateIssuer.CreateAuthority("ca", now.AddDays(-1), now.AddDays(1));
        var key = Path.Combine(_dir, "key.pem");
        File.WriteAllText(key, "keep");

        Assert.Throws<IOException>(() => PemFiles.WritePrivateKey(key, ca));
        Assert.Equal("keep", File.ReadAllText(key));
    }

    [Fact]
    public void ReadCertificate_Missing_NamesFile()
    {
        var e = Assert.Throws<InvalidDataException>(() => PemFiles.ReadCertificate(Path.Combine(_dir, "none.pem")));

        Assert.Contains("none.pem", e.Message);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
