using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Rpc.Tests.Support;

/// <summary>A Kestrel host on 127.0.0.1 with a dynamic port serving <see cref="TestService"/>.</summary>
public sealed class TestServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestServerHost(WebApplication app, TestService service, TestLoggerProvider logs)
    {
        _app = app;
        Service = service;
        Logs = logs;
        Address = new Uri(app.Urls.First());
    }

    public Uri Address { get; }

    public TestService Service { get; }

    public TestLoggerProvider Logs { get; }

    public static async Task<TestServerHost> StartAsync(
        Action<GrpcServerOptions>? configure = null, GrpcListenerOptions? listener = null, Action<WebApplication>? map = null,
        Action<KestrelServerOptions>? kestrel = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var logs = new TestLoggerProvider();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.WebHost.ConfigureKestrel(k =>
        {
            if (kestrel is not null)
            {
                kestrel(k);
            }
            else
            {
                k.ListenGrpc(listener ?? new GrpcListenerOptions { Url = "http://127.0.0.1:0" });
            }
        });
        builder.Services.AddGrpcLayer(configure);
        var app = builder.Build();
        var service = new TestService();
        app.MapGrpcService(TestService.Name, service.Map);
        map?.Invoke(app);
        using var startTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await app.StartAsync(startTimeout.Token);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new TestServerHost(app, service, logs);
    }

    public GrpcChannel CreateChannel(GrpcChannelOptions? options = null) => GrpcChannel.Create(Address, options);

    public async ValueTask DisposeAsync()
    {
        using var stopTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(stopTimeout.Token);
        await _app.DisposeAsync();
    }
}
