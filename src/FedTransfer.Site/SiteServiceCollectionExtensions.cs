using FedTransfer.Site.Artifacts;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Ledger;
using FedTransfer.Site.LocalData;
using FedTransfer.Site.Policy;
using FedTransfer.Site.Results;
using FedTransfer.Site.Training;
using FedTransfer.Site.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedTransfer.Site;

/// <summary>Registers the site service: options, the egress gateway, artifact cache, local data and trainer, and the worker.</summary>
public static class SiteServiceCollectionExtensions
{
    /// <summary>
    /// Adds the site's services, with <see cref="SiteOptions"/> bound from the <c>Site</c> section and validated at start.
    /// An <see cref="ILocalTrainer"/> registered before this call replaces the libtorch one (e.g. a simulated site).
    /// </summary>
    public static IServiceCollection AddSiteServices(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SiteOptions>().Bind(configuration.GetSection(SiteOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiteOptions>, SiteOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SiteOptions>>(new SiteSettingsKeysValidator(configuration)));

        // No policy file: the permissive policy (any federation, no minimum, no noise). The file was checked at start.
        services.TryAddSingleton(sp => Options(sp).PolicyFile is { Length: > 0 } file && !string.IsNullOrWhiteSpace(file)
            ? SitePolicyFile.Load(file)
            : SitePolicy.Permissive);
        // The gateway is the only holder of the coordinator transport; the transport itself is never registered.
        services.TryAddSingleton(sp => SiteLedger.Open(Options(sp), sp.GetRequiredService<ILogger<SiteLedger>>()));
        services.TryAddSingleton(sp => EgressGateway.Connect(Options(sp), sp.GetRequiredService<ILogger<EgressGateway>>(), sp.GetRequiredService<SitePolicy>(),
            sp.GetRequiredService<SiteLedger>()));
        services.TryAddSingleton(sp => new ArtifactCache(
            Path.Combine(Options(sp).ResolveCacheDirectory(), "artifacts"), sp.GetRequiredService<EgressGateway>(), sp.GetRequiredService<ILogger<ArtifactCache>>()));
        services.TryAddSingleton(sp => new ReceiptStore(Options(sp).ResolveCacheDirectory()));
        services.TryAddSingleton(sp => new SiteData(Options(sp)));
        services.TryAddSingleton<ILocalTrainer, TorchLocalTrainer>();
        services.TryAddSingleton<SiteTaskRunner>();
        services.AddHostedService<SiteWorker>();
        return services;
    }

    private static SiteOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<SiteOptions>>().Value;
}
