using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using FedTransfer.Cli.Tests.TestSupport;
using FedTransfer.Federation.Identity;

namespace FedTransfer.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class ProvisionCommandTests : IDisposable
{
    private readonly string _out = Path.Combine(Path.GetTempPath(), "fedtransfer-kit-" + Guid.NewGuid().ToString("N")[..12]);

    private Task<(int ExitCode, string Output)> ProvisionAsync(params string[] extra) => CliRun.InvokeAsync(
        ["provision", "--out", _out, "--coordinator-host", "coord.example.org,10.1.2.3", "--sites", "clinic-a,clinic-b", "--admins", "alice", .. extra]);

    private X509Certificate2 Read(params string[] parts) => PemFiles.ReadCertificate(Path.Combine([_out, .. parts]));

    [Fact]
    public async Task Provision_WritesContractLayout_EveryCertificateChainsWithItsRole()
    {
        var (code, output) = await ProvisionAsync("--days", "30", "--auditors", "ines");

        Assert.True(code == 0, output);
        using var ca = Read("ca", "ca.pem");
        var basic = ca.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(basic.CertificateAuthority);
        Assert.True(ca.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
        var now = DateTimeOffset.UtcNow;
        foreach (var (folder, name, role) in new[]
                 {
                     ("coordinator", "coordinator", ParticipantRole.Coordinator), ("sites/clinic-a", "clinic-a", ParticipantRole.Site),
                     ("sites/clinic-b", "clinic-b", ParticipantRole.Site), ("admins/alice", "alice", ParticipantRole.Admin),
                     ("auditors/ines", "ines", ParticipantRole.Auditor),
                 })
        {
            using var certificate = Read(folder, "cert.pem");
            using var kitCa = Read(folder, "ca.pem");
            Assert.Equal(ca.RawData, kitCa.RawData);
            Assert.Equal(name, ParticipantCertificate.NameOf(certificate));
            Assert.Null(ParticipantCertificate.Check(certificate, ca, role, now));
            Assert.InRange(certificate.NotAfter.ToUniversalTime(), now.UtcDateTime.AddDays(29), now.UtcDateTime.AddDays(31));
            using var withKey = PemFiles.ReadCertificateWithKey(Path.Combine(_out, folder, "cert.pem"), Path.Combine(_out, folder, "key.pem"));
            Assert.True(withKey.HasPrivateKey);
        }
    }

    [Fact]
    public async Task Provision_CoordinatorCertificate_NamesHostsAndLoopback()
    {
        await ProvisionAsync();

        using var coordinator = Read("coordinator", "cert.pem");
        var names = coordinator.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["coord.example.org", "localhost"], names.EnumerateDnsNames().Order());
        Assert.Equal(["10.1.2.3", "127.0.0.1"], names.EnumerateIPAddresses().Select(a => a.ToString()).Order());
        Assert.True(coordinator.MatchesHostname("coord.example.org"));
    }

    [Fact]
    public async Task Provision_PrivateKeys_OwnerOnly()
    {
        await ProvisionAsync();

        var keys = Directory.EnumerateFiles(_out, "*.pem", SearchOption.AllDirectories).Where(f => f.EndsWith("key.pem", StringComparison.Ordinal)).ToArray();
        Assert.Equal(5, keys.Length); // CA, coordinator, two sites, one admin
        foreach (var key in keys)
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.True(File.GetUnixFileMode(Path.Combine(_out, "sites", "clinic-a", "cert.pem")).HasFlag(UnixFileMode.OtherRead));
    }

    [Fact]
    public async Task Provision_ConfigFiles_ParseAndNameKitFiles()
    {
        await ProvisionAsync("--port", "7555");

        using var coordinator = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "coordinator", "coordinator.appsettings.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var listener = coordinator.RootElement.GetProperty("Coordinator").GetProperty("Listener");
        // The first IP address named, not every interface (the review found kits listening on 0.0.0.0).
        Assert.Equal("https://10.1.2.3:7555", listener.GetProperty("Url").GetString());
        Assert.True(listener.GetProperty("RequireClientCertificate").GetBoolean());
        Assert.Equal("ca.pem", listener.GetProperty("ClientCaPath").GetString());
        using var site = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "sites", "clinic-b", "site.appsettings.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var settings = site.RootElement.GetProperty("Site");
        Assert.Equal("https://coord.example.org:7555", settings.GetProperty("CoordinatorUrl").GetString());
        Assert.Equal("clinic-b", settings.GetProperty("DisplayName").GetString());
        foreach (var key in new[] { "ClientCertificateFile", "ClientKeyFile", "TrustedCaFile" })
            Assert.True(File.Exists(Path.Combine(_out, "sites", "clinic-b", settings.GetProperty(key).GetString()!)), key);
    }

    [Theory]
    [InlineData("0.0.0.0", "https://0.0.0.0:7443")]
    [InlineData("::1", "https://[::1]:7443")]
    public async Task Provision_Listen_IsTheOperatorsChoice(string listen, string expectedUrl)
    {
        var (code, output) = await ProvisionAsync("--listen", listen);

        Assert.True(code == 0, output);
        Assert.Equal(expectedUrl, CoordinatorListenerUrl());
    }

    [Theory]
    [InlineData("coord.example.org", null, "names no IP address")]
    [InlineData("coord.example.org", "coord.example.org", "--listen 'coord.example.org' is not an IP address")]
    public async Task Provision_NothingToBind_OneLineErrorNothingWritten(string hosts, string? listen, string expected)
    {
        string[] args = ["provision", "--out", _out, "--coordinator-host", hosts, "--sites", "a", .. listen is null ? Array.Empty<string>() : ["--listen", listen]];

        var (code, output) = await CliRun.InvokeAsync(args);

        Assert.Equal(1, code);
        Assert.Contains(expected, output);
        Assert.False(Directory.Exists(Path.Combine(_out, "ca")));
    }

    private string CoordinatorListenerUrl()
    {
        using var coordinator = JsonDocument.Parse(File.ReadAllText(Path.Combine(_out, "coordinator", "coordinator.appsettings.json")),
            new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return coordinator.RootElement.GetProperty("Coordinator").GetProperty("Listener").GetProperty("Url").GetString()!;
    }

    [Fact]
    public async Task Provision_ExistingKit_RefusedUnlessForce()
    {
        await ProvisionAsync();
        var firstCa = File.ReadAllText(Path.Combine(_out, "ca", "ca.pem"));

        var (refusedCode, refusedOutput) = await ProvisionAsync();
        var unchanged = File.ReadAllText(Path.Combine(_out, "ca", "ca.pem"));
        var (forcedCode, _) = await ProvisionAsync("--force");

        Assert.Equal(1, refusedCode);
        Assert.Contains("--force", refusedOutput);
        Assert.Equal(firstCa, unchanged);
        Assert.Equal(0, forcedCode);
        Assert.NotEqual(firstCa, File.ReadAllText(Path.Combine(_out, "ca", "ca.pem")));
    }

    [Theory]
    [InlineData("--sites", "clinic a", "not a valid name")]
    [InlineData("--sites", "x,x", "listed twice")]
    [InlineData("--days", "0", "--days")]
    public async Task Provision_BadInput_OneLineErrorNothingWritten(string option, string value, string expected)
    {
        var settings = new Dictionary<string, string> { ["--out"] = _out, ["--coordinator-host"] = "c", ["--sites"] = "a", [option] = value };
        string[] args = ["provision", .. settings.SelectMany(kv => new[] { kv.Key, kv.Value })];

        var (code, output) = await CliRun.InvokeAsync(args);

        Assert.Equal(1, code);
        Assert.Contains(expected, output);
        Assert.False(Directory.Exists(Path.Combine(_out, "ca")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_out)) Directory.Delete(_out, recursive: true);
    }
}
