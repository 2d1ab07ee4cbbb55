using FedTransfer.Rpc.Framing;
using FedTransfer.Rpc.Server;
using Microsoft.Extensions.DependencyInjection;

namespace FedTransfer.Rpc;

/// <summary>Registers the gRPC server layer.</summary>
public static class GrpcServiceCollectionExtensions
{
    /// <summary>
    /// Adds routing and the gRPC layer's services; call before mapping services with
    /// <see cref="GrpcEndpointRouteBuilderExtensions.MapGrpcService"/>. Options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddGrpcLayer(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRouting();
        var options = services.AddOptions<GrpcServerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options
            .Validate(o => o.MaxReceiveMessageSize > 0,
                "GrpcServerOptions.MaxReceiveMessageSize must be positive (bytes); the default is 4 MiB.")
            .Validate(o => o.MaxSendMessageSize is null or > 0,
                "GrpcServerOptions.MaxSendMessageSize must be positive (bytes) or null for no limit.")
            .Validate(o => o.ResponseCompression is null || MessageCompression.IsSupported(o.ResponseCompression),
                "GrpcServerOptions.ResponseCompression must be null, \"identity\" or \"gzip\".")
            .ValidateOnStart();
        services.AddSingleton<GrpcServerRuntime>();
        return services;
    }
}
