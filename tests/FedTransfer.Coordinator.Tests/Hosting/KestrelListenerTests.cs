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

        Assert.Equal(WireLimits.ServerKeepAlivePingDelay, kestrel.Limits.Http2.KeepAlivePingDelay);
        Assert.Equal(WireLimits.ServerKeepAlivePingTimeout, kestrel.Limits.Http2.KeepAlivePingTimeout);
        // A site whose network vanished loses its connection, and so its "online", within 10 s.
        Assert.InRange(WireLimits.ServerKeepAlivePingDelay + WireLimits.ServerKeepAlivePingTimeout, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10));
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
