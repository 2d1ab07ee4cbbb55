using FedTransfer.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Bench.Transport;

/// <summary>Our server for the benchmark: the same listener and gRPC layer a coordinator uses.</summary>
internal static class BenchServer
{
    public static async Task<int> RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.ListenGrpc(new GrpcListenerOptions { Url = "http://127.0.0.1:0" }));
        builder.Services.AddGrpcLayer(o => o.MaxReceiveMessageSize = 8 * 1024 * 1024);
        var app = builder.Build();
        app.MapGrpcService(BenchService.Name, new BenchService().Map);
        await app.StartAsync();
        Console.WriteLine($"PORT {new Uri(app.Urls.First()).Port}");
        // Stop when the benchmark script closes our stdin.
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }
}
