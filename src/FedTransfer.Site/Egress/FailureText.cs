using Grpc.Core;

namespace FedTransfer.Site.Egress;

/// <summary>
/// One line for a failed call to the coordinator, for the site's log. grpc-dotnet's own text for a transport failure is
/// "Status(StatusCode=..., Detail=\"Error starting gRPC call. HttpRequestException: ... see inner exception. ...\",
/// DebugException=...)" with a stack trace inside; what an operator needs is the innermost cause, or the refusal the
/// coordinator (or the site's own check of the coordinator's certificate) wrote for them.
/// </summary>
internal static class FailureText
{
    public static string OneLine(Exception failure)
    {
        for (var e = failure; e is not null; e = Next(e))
        {
            if (e is CoordinatorCertificateRejectedException rejected) return rejected.Message;
        }
        if (failure is not RpcException rpc) return Flatten(failure.Message);
        var cause = rpc.Status.DebugException is { } debug ? Innermost(debug).Message : rpc.Status.Detail;
        return $"{rpc.StatusCode}: {Flatten(cause)}";
    }

    private static Exception? Next(Exception e) => e.InnerException ?? (e as RpcException)?.Status.DebugException;

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    private static string Flatten(string text) => text.ReplaceLineEndings(" ").Trim();
}
