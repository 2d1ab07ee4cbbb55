using FedTransfer.Cli.Tests.TestSupport;
using FedTransfer.Federation.Identity;

namespace FedTransfer.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class RevokeCommandTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "fedtransfer-kit-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }

    [Fact]
    public async Task Revoke_ASiteThenAnAdmin_TheKitsListNamesBothSignedByTheCa()
    {
        var (provisioned, output) = await CliRun.InvokeAsync(["provision", "--out", _out, "--coordinator-host", "127.0.0.1", "--sites", "clinic-a,clinic-b", "--admins", "alice"]);
        Assert.True(provisioned == 0, output);

        var (site, siteOutput) = await CliRun.InvokeAsync(["revoke", "--kit", _out, "--name", "clinic-a"]);
        var (admin, adminOutput) = await CliRun.InvokeAsync(["revoke", "--kit", _out, "--name", "alice"]);

        Assert.True(site == 0, siteOutput);
        Assert.True(admin == 0, adminOutput);
        using var ca = PemFiles.ReadCertificate(Path.Combine(_out, "ca", "ca.pem"));
        var list = RevocationList.Parse(File.ReadAllBytes(Path.Combine(_out, "coordinator", "revoked.crl.pem")), ca);
        using var clinicA = PemFiles.ReadCertificate(Path.Combine(_out, "sites", "clinic-a", "cert.pem"));
        using var clinicB = PemFiles.ReadCertificate(Path.Combine(_out, "sites", "clinic-b", "cert.pem"));
        using var alice = PemFiles.ReadCertificate(Path.Combine(_out, "admins", "alice", "cert.pem"));
        Assert.True(list.IsRevoked(clinicA));
        Assert.True(list.IsRevoked(alice));
        Assert.False(list.IsRevoked(clinicB));
        Assert.Contains("now lists 2 certificate(s)", System.Text.RegularExpressions.Regex.Replace(adminOutput, @"\s+", " "));
    }

    [Fact]
    public async Task Revoke_UnknownName_OneLineAndNothingWritten()
    {
        await CliRun.InvokeAsync(["provision", "--out", _out, "--coordinator-host", "127.0.0.1", "--sites", "clinic-a"]);

        var (code, output) = await CliRun.InvokeAsync(["revoke", "--kit", _out, "--name", "nobody"]);

        Assert.NotEqual(0, code);
        Assert.Contains("'nobody' is neither a site", System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "));
        Assert.False(File.Exists(Path.Combine(_out, "coordinator", "revoked.crl.pem")));
    }
}
