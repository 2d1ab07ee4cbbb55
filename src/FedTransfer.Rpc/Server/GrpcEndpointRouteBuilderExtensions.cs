using FedTransfer.Rpc.Framing;
using FedTransfer.Rpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FedTransfer.Rpc;

/// <summary>Maps gRPC services onto ASP.NET Core endpoints.</summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every method bound in <paramref name="configure"/> to <c>POST /serviceName/Method</c>. Unknown methods of
    /// this service, and unknown services, are answered with UNIMPLEMENTED when the request is a gRPC call.
    /// </summary>
    /// <returns>A convention builder over all endpoints of the service (e.g. for authorization policies).</returns>
    public static IEndpointConventionBuilder MapGrpcService(this IEndpointRouteBuilder endpoints, string serviceName, Action<GrpcServiceBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ArgumentNullException.ThrowIfNull(configure);
        var runtime = endpoints.ServiceProvider.GetService<GrpcServerRuntime>()
            ?? throw new InvalidOperationException("The gRPC layer is not registered: call services.AddGrpcLayer() before MapGrpcService.");

        var builder = new GrpcServiceBuilder(serviceName);
        configure(builder);

        var conventions = new List<IEndpointConventionBuilder>();
        foreach (var binding in builder.Bindings)
        {
            conventions.Add(endpoints.MapPost(binding.Path, http => binding.HandleAsync(http, runtime))
                .WithDisplayName("gRPC " + binding.Path));
        }

        // Literal routes win over parameters, so this catches only methods the service does not bind.
        conventions.Add(endpoints.MapPost($"/{serviceName}/{{method}}", http => RespondUnimplementedAsync(http, runtime, knownService: true))
            .WithDisplayName($"gRPC unimplemented method of {serviceName}"));

        if (!runtime.UnknownServiceEndpointMapped)
        {
            runtime.UnknownServiceEndpointMapped = true;
            endpoints.MapPost("/{service}/{method}", http => RespondUnimplementedAsync(http, runtime, knownService: false))
                .WithDisplayName("gRPC unimplemented service");
        }

        return new CompositeConventionBuilder(conventions);
    }

    private static async Task RespondUnimplementedAsync(HttpContext http, GrpcServerRuntime runtime, bool knownService)
    {
        // Outside the gRPC family this path is not ours: an ordinary 404, as if nothing were mapped.
        if (!knownService && !GrpcProtocol.IsGrpcFamilyContentType(http.Request.ContentType))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!await ServerRequestValidator.ValidateAsync(http, runtime).ConfigureAwait(false))
        {
            return;
        }

        var path = http.Request.Path.Value ?? string.Empty;
        ServerLog.RequestRejected(runtime.Logger, path, "no such method");
        var service = path.TrimStart('/').Split('/')[0];
        ServerRequestValidator.WriteTrailersOnly(http, StatusCode.Unimplemented, knownService
            ? $"Method {path} is not implemented by service {service}."
            : $"Service {service} is not implemented by this server (called {path}).");
    }

    private sealed class CompositeConventionBuilder : IEndpointConventionBuilder
    {
        private readonly IReadOnlyList<IEndpointConventionBuilder> _builders;

        public CompositeConventionBuilder(IReadOnlyList<IEndpointConventionBuilder> builders) => _builders = builders;

        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in _builders)
            {
                builder.Add(convention);
            }
        }

        public void Finally(Action<EndpointBuilder> finallyConvention)
        {
            foreach (var builder in _builders)
            {
                builder.Finally(finallyConvention);
            }
        }
    }
}
