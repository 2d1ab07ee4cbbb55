using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FedTransfer.Rpc.Server;

/// <summary>Per-host state shared by every mapped method: validated options and the logger.</summary>
internal sealed class GrpcServerRuntime
{
    public GrpcServerRuntime(IOptions<GrpcServerOptions> options, ILoggerFactory loggerFactory)
    {
        Options = options.Value;
        Logger = loggerFactory.CreateLogger("FedTransfer.Rpc.Server");
    }

    public GrpcServerOptions Options { get; }

    public ILogger Logger { get; }

    /// <summary>Set once the catch-all "unknown service" endpoint has been mapped, so it is mapped only once.</summary>
    public bool UnknownServiceEndpointMapped { get; set; }
}
