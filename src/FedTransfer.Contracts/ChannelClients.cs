using Grpc.Core;

namespace FedTransfer.Contracts;

/// <summary>The generated clients of this contract over any gRPC channel.</summary>
public static class ChannelClients
{
    /// <summary>The central team's <c>fedtransfer.v1.Admin</c> client.</summary>
    public static V1.Admin.AdminClient Admin(this ChannelBase channel) => new(channel);

    /// <summary>The sites' <c>fedtransfer.v1.Federation</c> client.</summary>
    public static V1.Federation.FederationClient Federation(this ChannelBase channel) => new(channel);
}
