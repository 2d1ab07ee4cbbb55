using System.Net.Sockets;
using Grpc.Core;

namespace FedTransfer.Site.Egress;

/// <summary>Which failures mean "the coordinator is away for now, try again later" rather than "this request is wrong".</summary>
internal static class TransientFailure
{
    public static bool IsTransient(Exception e) => e switch
    {
        RpcException r => r.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
            || (r.StatusCode == StatusCode.Unknown && (r.Status.DebugException ?? r.InnerException) is { } inner && IsTransient(inner)),
        HttpRequestException or IOException or SocketException => true,
        _ => false,
    };

    /// <summary>True when the coordinator no longer knows this site's session: join again, then retry.</summary>
    public static bool IsSessionLost(Exception e) => e is RpcException { StatusCode: StatusCode.Unauthenticated };
}
