using FedTransfer.Contracts;
using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Receipts;
using FedTransfer.Coordinator.Runs;
using FedTransfer.Coordinator.Security;
using FedTransfer.Coordinator.Sites;
using FedTransfer.Rpc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator;

/// <summary>Registers and maps the coordinator.</summary>
public static class CoordinatorServiceCollectionExtensions
{
    /// <summary>
    /// Adds everything the coordinator needs: options from the <c>Coordinator</c> section (validated at start), the
    /// SQLite state, the artifact store, the gRPC layer with its Kestrel listener, the services and the run orchestrator.
    /// </summary>
    public static IServiceCollection AddCoordinatorServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CoordinatorOptions>().Bind(configuration.GetSection(CoordinatorOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CoordinatorOptions>, CoordinatorOptionsValidator>();
        services.AddSingleton<IValidateOptions<CoordinatorOptions>>(new CoordinatorSettingsKeysValidator(configuration));
        services.AddSingleton<IValidateOptions<CoordinatorOptions>, CertificateLifetimeValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddGrpcLayer();
        services.AddOptions<GrpcServerOptions>().Configure<IOptions<CoordinatorOptions>>((grpc, o) => grpc.MaxReceiveMessageSize = o.Value.MaxReceiveMessageSizeBytes);
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<CoordinatorOptions>, ILoggerFactory>((kestrel, o, logs) =>
            kestrel.ListenGrpc(CoordinatorListener.ForKestrel(o.Value.Listener, logs.CreateLogger<CallerAuthorization>())));
        services.AddSingleton<CallerAuthorization>();

        services.AddSingleton(sp => new CoordinatorDatabase(sp.GetRequiredService<IOptions<CoordinatorOptions>>().Value.DatabasePath));
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<CoordinatorOptions>>().Value;
            return new ArtifactStore(o.ArtifactDirectory, o.MaxArtifactBytes);
        });
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<CoordinatorOptions>>().Value;
            return new UpdateFiles(o.UpdatesDirectory, o.SyncUpdatesToDisk);
        });
        services.AddSingleton<SiteStore>();
        services.AddSingleton<CatalogStore>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<TaskStore>();
        services.AddSingleton<EventStore>();
        services.AddSingleton<SiteDirectory>();
        services.AddSingleton<TaskMailbox>();
        services.AddSingleton<RunEventHub>();
        services.AddSingleton<RunRegistry>();
        services.AddSingleton<RunDependencies>();
        services.AddSingleton<RunOrchestrator>();
        services.AddHostedService(sp => sp.GetRequiredService<RunOrchestrator>());
        services.AddSingleton<ReceiptNotary>();
        services.AddSingleton(sp => new DownloadSlots(sp.GetRequiredService<IOptions<CoordinatorOptions>>().Value.MaxConcurrentDownloads));
        services.AddSingleton<ResultIntake>();
        services.AddSingleton<FederationEndpoint>();
        services.AddSingleton<AdminEndpoint>();
        return services;
    }

    /// <summary>Maps the Federation and Admin gRPC services.</summary>
    public static IEndpointRouteBuilder MapCoordinatorServices(this IEndpointRouteBuilder endpoints)
    {
        var federation = endpoints.ServiceProvider.GetRequiredService<FederationEndpoint>();
        var admin = endpoints.ServiceProvider.GetRequiredService<AdminEndpoint>();
        endpoints.MapGrpcService(FederationService.ServiceName, federation.Map);
        endpoints.MapGrpcService(AdminService.ServiceName, admin.Map);
        return endpoints;
    }
}
