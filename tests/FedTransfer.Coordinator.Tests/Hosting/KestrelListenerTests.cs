using FedTransfer.Contracts;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace FedTransfer.Coordinator.Tests.Hosting;

public sealed class KestrelListenerTests
{
    [Fact]
    public void Listen_Defaults_PingsAfterWireLimitsSilenceAndKeepsTheSmallWindows()
    {
        var kestrel = new KestrelServerOptions();

        KestrelListener.Listen(kestrel, new ListenerOptions { Url = "http://127.0.0.1:0" });

        Assert.Equal(WireLimits.KeepAlivePingDelay, kestrel.Limits.Http2.KeepAlivePingDelay);
        Assert.Equal(WireLimits.KeepAlivePingTimeout, kestrel.Limits.Http2.KeepAlivePingTimeout);
        Assert.InRange(WireLimits.KeepAlivePingDelay + WireLimits.KeepAlivePingTimeout, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
        Assert.Equal(1024 * 1024, kestrel.Limits.Http2.InitialStreamWindowSize);
        Assert.Equal(2 * 1024 * 1024, kestrel.Limits.Http2.InitialConnectionWindowSize);
        Assert.Equal(1024 * 1024, kestrel.Limits.MaxResponseBufferSize);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:1", "Coordinator:Listener:Url")]
    [InlineData("http://coordinator.example:7070", "must be an IP address")]
    public void Listen_BadUrl_OneLineNamingTheSetting(string url, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => KestrelListener.Listen(new KestrelServerOptions(), new ListenerOptions { Url = url }));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Listen_HttpsWithoutCertificate_NamesTheSetting()
    {
        var e = Assert.Throws<ArgumentException>(() => KestrelListener.Listen(new KestrelServerOptions(), new ListenerOptions { Url = "https://127.0.0.1:0" }));

        Assert.Contains("Coordinator:Listener:CertificatePath", e.Message);
    }
}
