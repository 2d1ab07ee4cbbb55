using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator;
using FedTransfer.Models.NN;
using FedTransfer.Models.Training;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Cli.Tests.TestSupport;

/// <summary>A real coordinator on a free loopback port over a temporary folder, plus a tiny untrained backbone to register.</summary>
internal sealed class ScratchCoordinator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DirectoryInfo _dir;

    private ScratchCoordinator(WebApplication app, DirectoryInfo dir, BackboneFiles backbone)
    {
        _app = app;
        _dir = dir;
        Backbone = backbone;
        Url = CoordinatorHost.Addresses(app).First().ToString().TrimEnd('/');
    }

    public string Url { get; }
    public BackboneFiles Backbone { get; }

    public static async Task<ScratchCoordinator> StartAsync()
    {
        var dir = Directory.CreateTempSubdirectory("fedtransfer-cli-coordinator-");
        var backbone = new BackboneFiles(Path.Combine(dir.FullName, "backbone"));
        var config = new VisionTransformerConfig { Dim = 16, Depth = 1, Heads = 2, Classes = 5 };
        FedTransfer.Models.Engine.Seed(3);
        using (var vit = new VisionTransformer(config))
            backbone.Save(vit, new Dictionary<string, string> { ["fedtransfer.config"] = config.ToJson() });
        var app = CoordinatorHost.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Coordinator:DataDirectory"] = Path.Combine(dir.FullName, "coordinator"),
                ["Coordinator:Listener:Url"] = "http://127.0.0.1:0",
            });
            builder.Logging.ClearProviders();
        });
        await app.StartAsync();
        return new ScratchCoordinator(app, dir, backbone);
    }

    /// <summary>What the coordinator holds, asked over the wire.</summary>
    public async Task<StatusResponse> StatusAsync()
    {
        using var channel = FedTransfer.Site.Egress.CoordinatorChannel.Open(new Uri(Url));
        return await channel.Admin().GetStatusAsync(new GetStatusRequest()).ResponseAsync;
    }

    /// <summary>Joins as a site in plaintext development mode (identified by its name), as a site service would.</summary>
    public async Task JoinSiteAsync(string name)
    {
        using var channel = FedTransfer.Site.Egress.CoordinatorChannel.Open(new Uri(Url));
        await channel.Federation().JoinAsync(new JoinRequest
        {
            DisplayName = name, SoftwareVersion = "test", Device = new DeviceInfo { Device = "cpu", CpuCores = 1 },
            ExampleCounts = new ExampleCounts { Train = 10, Validation = 2 },
        }).ResponseAsync;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}
