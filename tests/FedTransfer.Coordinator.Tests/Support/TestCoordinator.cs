using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Coordinator.Tests.Support;

/// <summary>A real coordinator on 127.0.0.1 with a dynamic port over a given data directory; restartable on the same directory.</summary>
internal sealed class TestCoordinator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestCoordinator(WebApplication app)
    {
        _app = app;
        Address = new Uri(app.Urls.First());
        Channel = TestChannels.Open(Address);
    }

    public Uri Address { get; }

    public GrpcChannel Channel { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="logs">When given, receives the coordinator's log lines (Information and above).</param>
    public static async Task<TestCoordinator> StartAsync(string dataDirectory, IDictionary<string, string?>? settings = null, ListLoggerProvider? logs = null)
    {
        var app = CoordinatorHost.Build([], builder =>
        {
            var values = new Dictionary<string, string?>
            {
                ["Coordinator:DataDirectory"] = dataDirectory,
                ["Coordinator:Listener:Url"] = "http://127.0.0.1:0",
                ["Coordinator:MaxPullWaitMs"] = "2000",
            };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
            builder.Configuration.AddInMemoryCollection(values);
            builder.Logging.ClearProviders();
            builder.Logging.SetMinimumLevel(logs is null ? LogLevel.Warning : LogLevel.Information);
            if (logs is not null) builder.Logging.AddProvider(logs);
        });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await app.StartAsync(timeout.Token);
        return new TestCoordinator(app);
    }

    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
