using FedTransfer.Cli.Admin;
using FedTransfer.Cli.Provisioning;
using FedTransfer.Coordinator;
using Grpc.Core;
using FedTransfer.Site;
using FedTransfer.Site.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedTransfer.Cli.Tests.Provisioning;

/// <summary>The kits work as written: hosts started with `--config` find their files relative to the kit, whatever the working directory.</summary>
public sealed class KitProvisionerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fedtransfer-kits-" + Guid.NewGuid().ToString("N")[..12]);

    private KitLayout Provision() =>
        KitProvisioner.Provision(new ProvisionRequest(Path.Combine(_root, "kit"), ["127.0.0.1"], ["clinic-a"], ["admin"]), DateTimeOffset.UtcNow);

    [Fact]
    public async Task CoordinatorKitConfig_StartsWithMutualTls_AdminKitServed_SiteKitRefusedOnAdmin()
    {
        var kit = Provision();
        await using var app = CoordinatorHost.Build(
            ["--Coordinator:Listener:Url=https://127.0.0.1:0", $"--Coordinator:DataDirectory={Path.Combine(_root, "data")}"],
            b => b.Logging.ClearProviders(), Path.Combine(kit.CoordinatorDirectory, KitLayout.CoordinatorConfigFile));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        var address = CoordinatorHost.Addresses(app).Single();

        using var admin = AdminClient.Connect(CoordinatorConnection.WithKit(address, kit.Admin("admin")));
        using var site = AdminClient.Connect(CoordinatorConnection.WithKit(address, kit.Site("clinic-a")));
        var status = await admin.GetStatusAsync("", timeout.Token);
        var refused = await Assert.ThrowsAsync<RpcException>(() => site.GetStatusAsync("", timeout.Token));

        Assert.Empty(status.Sites);
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        await app.StopAsync(timeout.Token);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void SiteKitConfig_CertificatePathsResolvedAgainstKitFolder()
    {
        var kit = Provision();
        var data = Directory.CreateDirectory(Path.Combine(_root, "site-data")).FullName;

        using var host = SiteHost.Build([$"--Site:DataDirectory={data}"], Path.Combine(kit.Site("clinic-a"), KitLayout.SiteConfigFile));
        var options = host.Services.GetRequiredService<IOptions<SiteOptions>>().Value;

        Assert.Equal(Path.Combine(kit.Site("clinic-a"), "cert.pem"), options.ClientCertificateFile);
        Assert.Equal(Path.Combine(kit.Site("clinic-a"), "key.pem"), options.ClientKeyFile);
        Assert.Equal(Path.Combine(kit.Site("clinic-a"), "ca.pem"), options.TrustedCaFile);
        Assert.Equal("https://127.0.0.1:7443", options.CoordinatorUrl);
        Assert.Equal("clinic-a", options.DisplayName);
    }

    [Fact]
    public void AdminKit_MissingFolder_ClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => CoordinatorConnection.WithKit(new Uri("https://127.0.0.1:7443"), Path.Combine(_root, "nope")));

        Assert.Contains("--kit", e.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
