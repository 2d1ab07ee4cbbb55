using FedTransfer.Coordinator.Sites;
using FedTransfer.Contracts;
using FedTransfer.Coordinator.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FedTransfer.Coordinator;

/// <summary>Registers the coordinator's side of the wire: grpc-dotnet on Kestrel, the caller checks, health and reflection.</summary>
internal static class CoordinatorWireServiceCollectionExtensions
{
    public static IServiceCollection AddCoordinatorWire(this IServiceCollection services)
    {
        services.AddSingleton<CallerAuthorization>();
        services.AddGrpc(grpc =>
        {
            // Every service, health and reflection included, passes the caller checks first.
            grpc.Interceptors.Add<CallerAuthorizationInterceptor>();
            grpc.MaxSendMessageSize = WireLimits.MaxMessageBytes;
            // A handler's unexpected exception reaches the site as UNKNOWN without its text; refusals are RpcExceptions.
            grpc.EnableDetailedErrors = false;
        });
        services.AddOptions<Grpc.AspNetCore.Server.GrpcServiceOptions>().Configure<IOptions<CoordinatorOptions>>((grpc, o) =>
            grpc.MaxReceiveMessageSize = o.Value.MaxReceiveMessageSizeBytes);
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<CoordinatorOptions>, SitePresence>((kestrel, o, presence) => KestrelListener.Listen(kestrel, o.Value.Listener, presence));
        // grpc.health.v1: SERVING once the host has started; the empty service name stands for the whole coordinator.
        services.AddGrpcHealthChecks().AddCheck("coordinator", () => Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy());
        services.AddGrpcReflection();
        return services;
    }
}
