using FedTransfer.Site.Egress;
using FedTransfer.Site.Policy;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Site.Training;
using FedTransfer.Site.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FedTransfer.Site.Tests;

public sealed class SiteServiceCollectionExtensionsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private ServiceProvider Build(Action<IServiceCollection>? before = null, string policyFile = "")
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Site:DisplayName"] = "clinic-a", ["Site:DataDirectory"] = _dir.Path, ["Site:PolicyFile"] = policyFile,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IHostApplicationLifetime, FakeLifetime>();
        before?.Invoke(services);
        return services.AddSiteServices(configuration).BuildServiceProvider();
    }

    [Fact]
    public void AddSiteServices_RegistersTheWorkerButNeverTheTransport()
    {
        // Act
        using var provider = Build();

        // Assert
        Assert.IsType<SiteWorker>(Assert.Single(provider.GetServices<IHostedService>()));
        Assert.Null(provider.GetService<ICoordinatorTransport>());
        Assert.IsType<TorchLocalTrainer>(provider.GetRequiredService<ILocalTrainer>());
    }

    [Fact]
    public void AddSiteServices_TrainerRegisteredBefore_ReplacesTheLibtorchOne()
    {
        // Act
        using var provider = Build(s => s.AddSingleton<ILocalTrainer, FakeTrainer>());

        // Assert
        Assert.IsType<FakeTrainer>(provider.GetRequiredService<ILocalTrainer>());
    }

    [Fact]
    public void AddSiteServices_NoPolicyFile_UsesThePermissivePolicy()
    {
        // Act
        using var provider = Build();

        // Assert
        Assert.Same(SitePolicy.Permissive, provider.GetRequiredService<SitePolicy>());
    }

    [Fact]
    public void AddSiteServices_PolicyFile_IsLoadedForTheGatewayAndTheRunner()
    {
        // Arrange
        var path = _dir.Combine("policy.json");
        File.WriteAllText(path, """{ "minTrainExamples": 500, "localPrivacy": { "clipNorm": 2, "noiseMultiplier": 0.7 } }""");

        // Act
        using var provider = Build(policyFile: path);

        // Assert
        var policy = provider.GetRequiredService<SitePolicy>();
        Assert.Equal(500, policy.MinTrainExamples);
        Assert.Equal(new PrivacyParameters(2, 0.7), policy.Privacy);
    }

    public void Dispose() => _dir.Dispose();
}
