using FedTransfer.Rpc.Tests.Interop;

namespace FedTransfer.Rpc.Tests.Support;

/// <summary>
/// A duplex exchange in lock-step: each request is sent only after the reply to the previous one arrived, which
/// proves the call streams both ways instead of buffering the request stream. Run against our server and grpcio's.
/// </summary>
public static class DuplexPingPong
{
    public static async Task<List<EchoReply>> RunAsync(GrpcChannel channel, int messages)
    {
        var replies = new List<EchoReply>();
        var gate = new SemaphoreSlim(0);

        async IAsyncEnumerable<EchoRequest> Requests()
        {
            for (var i = 0; i < messages; i++)
            {
                yield return new EchoRequest { Text = $"m{i}" };
                Assert.True(await gate.WaitAsync(TimeSpan.FromSeconds(10)), $"no reply to m{i}");
            }
        }

        await foreach (var reply in channel.Duplex(TestService.Chat, Requests(), new CallOptions { Timeout = TimeSpan.FromSeconds(30) }))
        {
            replies.Add(reply);
            gate.Release();
        }
        return replies;
    }
}
