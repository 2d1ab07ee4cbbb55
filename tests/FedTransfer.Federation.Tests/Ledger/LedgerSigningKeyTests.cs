using System.Security.Cryptography.X509Certificates;
using FedTransfer.Federation.Ledger;
using FedTransfer.Federation.Tests.TestSupport;

namespace FedTransfer.Federation.Tests.Ledger;

public class LedgerSigningKeyTests
{
    [Fact]
    public void DevelopmentKey_IsCreatedOnceThenReused()
    {
        using var folder = new TempFolder();
        var path = folder.File("keys/ledger-key.pem");

        using var first = LedgerSigningKey.LoadOrCreateDevelopmentKey(path, "dev");
        using var second = LedgerSigningKey.LoadOrCreateDevelopmentKey(path, "dev");

        Assert.Equal(first.PublicKeyPem, second.PublicKeyPem);
        Assert.Null(first.CertificatePem);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void DevelopmentKey_Unreadable_SaysWhatToDo()
    {
        using var folder = new TempFolder();
        var path = folder.File("ledger-key.pem");
        File.WriteAllText(path, "garbage");

        var ex = Assert.Throws<InvalidOperationException>(() => LedgerSigningKey.LoadOrCreateDevelopmentKey(path, "dev"));

        Assert.Contains("move it aside", ex.Message);
    }

    [Fact]
    public void FromCertificate_NamesTheSiteByCn()
    {
        using var pki = new TestPki();
        using var folder = new TempFolder();
        using var cert = pki.Issue("hospital-3", "site");
        var (certFile, keyFile) = TestPki.WritePem(cert, folder.Path);

        using var key = LedgerSigningKey.FromCertificate(certFile, keyFile);

        Assert.Equal("hospital-3", key.Site);
        Assert.Equal(cert.GetECDsaPublicKey()!.ExportSubjectPublicKeyInfoPem(), key.PublicKeyPem);
    }

    [Fact]
    public void FromCertificate_MissingFile_Throws()
    {
        using var folder = new TempFolder();

        Assert.Throws<InvalidOperationException>(() => LedgerSigningKey.FromCertificate(folder.File("no.pem"), folder.File("no.key")));
    }
}
