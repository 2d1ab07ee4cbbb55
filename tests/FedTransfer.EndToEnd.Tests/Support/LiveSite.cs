using FedTransfer.Site;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FedTransfer.EndToEnd.Tests.Support;

/// <summary>
/// A real site host (<see cref="SiteHost"/>, as <c>fedtransfer site</c> builds it: worker, egress gateway, artifact cache,
/// libtorch trainer) dialling out to a <see cref="LiveCoordinator"/>, with short polls and reconnect delays.
/// </summary>
internal sealed class LiveSite : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private LiveSite(string name, IHost host)
    {
        Name = name;
        _host = host;
    }

    public string Name { get; }

    public static async Task<LiveSite> StartAsync(string name, string dataDirectory, string cacheDirectory, int port, TransportSecurity security,
        Action<IServiceCollection>? replace = null)
    {
        string[] args =
        [
            .. security.SiteArguments(name, port), $"--Site:DisplayName={name}", $"--Site:DataDirectory={dataDirectory}",
            $"--Site:CacheDirectory={cacheDirectory}", "--Site:Device=cpu", "--Site:Threads=1", "--Site:PollMaxWaitMs=1000",
            "--Site:ReconnectInitialDelayMs=100", "--Site:ReconnectMaxDelayMs=400", "--Logging:LogLevel:Default=Warning",
        ];
        var host = SiteHost.Build(args, configureServices: replace);
        await host.StartAsync();
        return new LiveSite(name, host);
    }

    /// <summary>Stops at once: the current task is abandoned and nothing more is sent, as when the process dies.</summary>
    public async Task KillAsync()
    {
        if (_stopped) return;
        _stopped = true;
        using var now = new CancellationTokenSource();
        await now.CancelAsync();
        try
        {
            await _host.StopAsync(now.Token);
        }
        catch (OperationCanceledException)
        {
            // Expected: nothing was given time to finish.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _host.Dispose();
    }
}
