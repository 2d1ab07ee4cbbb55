using Microsoft.Extensions.DependencyInjection;

namespace FedTransfer.EndToEnd.Tests.Support;

/// <summary>
/// One federation on this machine: a <see cref="LiveCoordinator"/>, real <see cref="LiveSite"/>s with their own data and
/// caches, and the central team's <see cref="AdminCalls"/>, all in a temporary folder removed on dispose.
/// <see cref="UseMutualTls"/> switches every end-to-end test between mutual TLS (the default) and plaintext h2c.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    /// <summary>
    /// Mutual TLS with a throw-away CA (sites identified by their certificates), unless FEDTRANSFER_E2E_TRANSPORT=plaintext
    /// asks for h2c, e.g. to tell a TLS problem from a federation one.
    /// </summary>
    public static bool UseMutualTls => Environment.GetEnvironmentVariable("FEDTRANSFER_E2E_TRANSPORT") is not "plaintext";

    private readonly TempDirectory _temp = new();
    private readonly Dictionary<string, LiveSite> _sites = new(StringComparer.Ordinal);

    private Cluster(IReadOnlyList<(string Name, int Images)> sites, string adapterSpec)
    {
        try
        {
            Security = UseMutualTls ? TransportSecurity.MutualTls(_temp.Combine("pki"), sites.Select(s => s.Name)) : TransportSecurity.Plaintext();
            Files = new TinyVitFederation(_temp.Combine("central"), sites, adapterSpec);
        }
        catch
        {
            _temp.Dispose();
            throw;
        }
    }

    public TransportSecurity Security { get; }
    public TinyVitFederation Files { get; }
    public LiveCoordinator Coordinator { get; private set; } = null!;
    public AdminCalls Admin { get; private set; } = null!;

    /// <summary>The relay the <c>behindProxy</c> site dials through, or null.</summary>
    public BlackHoleProxy? Proxy { get; private set; }

    /// <summary>Starts the coordinator and every site (a site's services may be replaced) and waits until all joined.</summary>
    /// <param name="behindProxy">A site that dials through a <see cref="BlackHoleProxy"/> (<see cref="Proxy"/>) instead of directly.</param>
    public static async Task<Cluster> StartAsync(IReadOnlyList<(string Name, int Images)> sites, Func<string, Action<IServiceCollection>?>? replace = null,
        string adapterSpec = TinyVitFederation.LoraSpecText, string? behindProxy = null)
    {
        var cluster = new Cluster(sites, adapterSpec);
        try
        {
            cluster.Coordinator = await LiveCoordinator.StartAsync(cluster._temp.Combine("coordinator"), cluster.Security);
            cluster.Admin = new AdminCalls(cluster.Security.AdminChannel(cluster.Coordinator.Port));
            if (behindProxy is not null) cluster.Proxy = new BlackHoleProxy(cluster.Coordinator.Port);
            foreach (var (name, _) in sites)
            {
                var port = name == behindProxy ? cluster.Proxy!.Port : cluster.Coordinator.Port;
                cluster._sites[name] = await LiveSite.StartAsync(name, cluster.Files.SiteDataDirectories[name], cluster._temp.Combine("sites", name, "cache"),
                    port, cluster.Security, replace?.Invoke(name));
            }
            await cluster.Admin.WaitForSitesAsync(sites.Count);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public Task KillSiteAsync(string name) => _sites[name].KillAsync();

    /// <summary>Kills the coordinator and starts a new one on the same port and data directory, with a fresh admin channel.</summary>
    public async Task RestartCoordinatorAsync(Func<Task>? whileDown = null)
    {
        await Coordinator.KillAsync();
        Admin.Dispose();
        if (whileDown is not null) await whileDown();
        await Coordinator.RestartAsync();
        Admin = new AdminCalls(Security.AdminChannel(Coordinator.Port));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var site in _sites.Values) await site.DisposeAsync();
        if (Proxy is not null) await Proxy.DisposeAsync();
        Admin?.Dispose();
        if (Coordinator is not null) await Coordinator.DisposeAsync();
        _temp.Dispose();
    }
}
