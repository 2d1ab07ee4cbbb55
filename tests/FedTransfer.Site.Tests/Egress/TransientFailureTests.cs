using System.Net.Sockets;
using Grpc.Core;
using FedTransfer.Site.Egress;

namespace FedTransfer.Site.Tests.Egress;

public sealed class TransientFailureTests
{
    public static TheoryData<Exception, bool> Cases => new()
    {
        { new RpcException(new Status(StatusCode.Unavailable, "restarting")), true },
        { new RpcException(new Status(StatusCode.DeadlineExceeded, "slow")), true },
        { new RpcException(new Status(StatusCode.Unknown, "wrapped", new IOException("reset"))), true },
        { new HttpRequestException("refused"), true },
        { new SocketException(), true },
        { new RpcException(new Status(StatusCode.ResourceExhausted, "payload too large")), false },
        { new RpcException(new Status(StatusCode.InvalidArgument, "bad header")), false },
        { new RpcException(new Status(StatusCode.Unauthenticated, "unknown session")), false },
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
        Assert.True(TransientFailure.IsSessionLost(new RpcException(new Status(StatusCode.Unauthenticated, "call Join again"))));
        Assert.False(TransientFailure.IsSessionLost(new RpcException(new Status(StatusCode.PermissionDenied, "other site"))));
    }
}
