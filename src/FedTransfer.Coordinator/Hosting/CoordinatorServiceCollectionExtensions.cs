using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Receipts;
using FedTransfer.Coordinator.Runs;
using FedTransfer.Coordinator.Security;
using FedTransfer.Coordinator.Sites;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
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

        services.AddCoordinatorWire();

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
        services.AddSingleton<SitePresence>();
        services.AddSingleton<SiteDirectory>();
        services.AddSingleton<TaskMailbox>();
        services.AddSingleton<RunEventHub>();
        services.AddSingleton<RunRegistry>();
        services.AddSingleton<RunDependencies>();
        services.AddSingleton<RunOrchestrator>();
        services.AddHostedService(sp => sp.GetRequiredService<RunOrchestrator>());
        services.AddSingleton<RunControl>();
        services.AddSingleton<ReceiptNotary>();
        services.AddSingleton(sp => new DownloadSlots(sp.GetRequiredService<IOptions<CoordinatorOptions>>().Value.MaxConcurrentDownloads));
        services.AddSingleton<ResultIntake>();
        services.AddSingleton<SiteObjectAccess>();
        services.AddSingleton<FederationEndpoint>();
        services.AddSingleton<AdminEndpoint>();
        return services;
    }

    /// <summary>
    /// Maps the Federation and Admin services, the grpc.health.v1 health service, reflection when
    /// <see cref="CoordinatorOptions.EnableReflection"/> is on, and gRPC-Web (HTTP/1.1) for every one of them.
    /// </summary>
    public static WebApplication MapCoordinatorServices(this WebApplication app)
    {
        // Built now, not at the first call: an unreadable client CA or revocation list stops the start with its one line.
        app.Services.GetRequiredService<CallerAuthorization>();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.MapGrpcService<FederationEndpoint>();
        app.MapGrpcService<AdminEndpoint>();
        app.MapGrpcHealthChecksService();
        if (app.Services.GetRequiredService<IOptions<CoordinatorOptions>>().Value.EnableReflection) app.MapGrpcReflectionService();
        return app;
    }
}
