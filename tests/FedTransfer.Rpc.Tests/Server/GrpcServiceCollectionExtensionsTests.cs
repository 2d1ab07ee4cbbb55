using FedTransfer.Rpc.Tests.Support;
using Microsoft.Extensions.Options;

namespace FedTransfer.Rpc.Tests.Server;

public sealed class GrpcServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddGrpcLayer_InvalidOptions_FailAtStartWithClearMessage()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServerHost.StartAsync(o => o.MaxReceiveMessageSize = 0));

        Assert.Contains("MaxReceiveMessageSize", ex.Message);
    }

    [Fact]
    public async Task AddGrpcLayer_UnknownCompression_FailsAtStart()
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => TestServerHost.StartAsync(o => o.ResponseCompression = "br"));

        Assert.Contains("ResponseCompression", ex.Message);
    }
}
