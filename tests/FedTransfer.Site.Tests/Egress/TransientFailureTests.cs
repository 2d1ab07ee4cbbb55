using System.Net.Sockets;
using FedTransfer.Rpc;
using FedTransfer.Site.Egress;

namespace FedTransfer.Site.Tests.Egress;

public sealed class TransientFailureTests
{
    public static TheoryData<Exception, bool> Cases => new()
    {
        { new RpcException(StatusCode.Unavailable, "restarting"), true },
        { new RpcException(StatusCode.DeadlineExceeded, "slow"), true },
        { new RpcException(StatusCode.Unknown, "wrapped", new IOException("reset")), true },
        { new HttpRequestException("refused"), true },
        { new SocketException(), true },
        { new RpcException(StatusCode.ResourceExhausted, "payload too large"), false },
        { new RpcException(StatusCode.InvalidArgument, "bad header"), false },
        { new RpcException(StatusCode.Unauthenticated, "unknown session"), false },
        { new InvalidOperationException("bug"), false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IsTransient_OnlyCoordinatorAbsenceIsWorthRetrying(Exception error, bool expected)
    {
        // Act / Assert
        Assert.Equal(expected, TransientFailure.IsTransient(error));
    }

    [Fact]
    public void IsSessionLost_OnlyUnauthenticated()
    {
        // Act / Assert
        Assert.True(TransientFailure.IsSessionLost(new RpcException(StatusCode.Unauthenticated, "call Join again")));
        Assert.False(TransientFailure.IsSessionLost(new RpcException(StatusCode.PermissionDenied, "other site")));
    }
}
