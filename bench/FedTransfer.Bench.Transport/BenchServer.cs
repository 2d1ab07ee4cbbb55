using System.Net;
using FedTransfer.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Bench.Transport;

/// <summary>Our server for the benchmark: grpc-dotnet on Kestrel with the coordinator's HTTP/2 limits and message size.</summary>
internal static class BenchServer
{
    /// <param name="certificateFile">PEM certificate for TLS (with <paramref name="keyFile"/>); null serves plaintext h2c.</param>
    public static async Task<int> RunAsync(string? certificateFile = null, string? keyFile = null)
    {
        var certificate = certificateFile is null ? null : System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.Http2.KeepAlivePingDelay = WireLimits.KeepAlivePingDelay;
            k.Limits.Http2.KeepAlivePingTimeout = WireLimits.KeepAlivePingTimeout;
            // The coordinator's HTTP/2 windows and response buffer (its Listener defaults), so the bench measures that wire.
            var listener = new FedTransfer.Coordinator.ListenerOptions();
            k.Limits.MaxResponseBufferSize = listener.MaxResponseBufferSize;
            k.Limits.Http2.InitialConnectionWindowSize = listener.InitialConnectionWindowSize;
            k.Limits.Http2.InitialStreamWindowSize = listener.InitialStreamWindowSize;
            k.Limits.Http2.MaxFrameSize = listener.MaxFrameSize;
            k.Listen(IPAddress.Loopback, 0, l =>
            {
                l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2;
                if (certificate is not null) l.UseHttps(certificate);
            });
        });
        builder.Services.AddGrpc(o => o.MaxReceiveMessageSize = WireLimits.MaxMessageBytes);
        builder.Services.AddSingleton<BenchService>();
        var app = builder.Build();
        app.MapGrpcService<BenchService>();
        await app.StartAsync();
        Console.WriteLine($"PORT {new Uri(app.Urls.First()).Port}");
        // Stop when the benchmark script closes our stdin.
        await Console.In.ReadToEndAsync();
        await app.StopAsync();
        return 0;
    }
}
