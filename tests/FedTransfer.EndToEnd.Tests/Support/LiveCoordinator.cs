using System.Net;
using System.Net.Sockets;
using FedTransfer.Coordinator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FedTransfer.EndToEnd.Tests.Support;

/// <summary>
/// The real coordinator host (<see cref="CoordinatorHost"/>, as <c>fedtransfer coordinator</c> builds it) on a fixed
/// loopback port over a data directory, so a test can kill it and start another on the same port and directory.
/// Site payloads are kept after their rounds so tests can recompute each aggregate from exactly what was received.
/// </summary>
internal sealed class LiveCoordinator : IAsyncDisposable
{
    private WebApplication? _app;

    private readonly IReadOnlyDictionary<string, string?> _extraSettings;

    private LiveCoordinator(string dataDirectory, int port, TransportSecurity security, IReadOnlyDictionary<string, string?>? extraSettings)
    {
        _extraSettings = extraSettings ?? new Dictionary<string, string?>();
        DataDirectory = dataDirectory;
        Port = port;
        Security = security;
    }

    public string DataDirectory { get; }
    public int Port { get; }
    public TransportSecurity Security { get; }

    /// <summary>Where the coordinator keeps the payload a site uploaded for a task.</summary>
    public string PayloadPath(string taskId) => Path.Combine(DataDirectory, "updates", taskId + ".safetensors");

    /// <param name="extraSettings">More coordinator settings (e.g. Coordinator:AdminToken), applied last.</param>
    public static async Task<LiveCoordinator> StartAsync(string dataDirectory, TransportSecurity security, int? port = null,
        IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var coordinator = new LiveCoordinator(dataDirectory, port ?? FreePort(), security, extraSettings);
        await coordinator.RestartAsync();
        return coordinator;
    }

    /// <summary>Starts the coordinator (again) on the same port and data directory.</summary>
    public async Task RestartAsync()
    {
        if (_app is not null) throw new InvalidOperationException("the coordinator is running; kill it first");
        var settings = new Dictionary<string, string?>
        {
            ["Coordinator:DataDirectory"] = DataDirectory,
            ["Coordinator:MaxPullWaitMs"] = "1000",
            ["Coordinator:KeepUpdatePayloads"] = "true",
        };
        foreach (var (key, value) in Security.CoordinatorSettings(Port)) settings[key] = value;
        foreach (var (key, value) in _extraSettings) settings[key] = value;
        var app = CoordinatorHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        _app = app;
    }

    /// <summary>Stops at once: connections are cut, the run driver is cancelled wherever it is, nothing is drained.</summary>
    public async Task KillAsync()
    {
        if (_app is null) return;
        var app = _app;
        _app = null;
        using var now = new CancellationTokenSource();
        await now.CancelAsync();
        try
        {
            await app.StopAsync(now.Token);
        }
        catch (OperationCanceledException)
        {
            // Expected: nothing was given time to finish.
        }
        await app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public ValueTask DisposeAsync() => new(KillAsync());

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
