using System.Net;
using FedTransfer.Rpc.Tests.Interop;
using FedTransfer.Rpc.Tests.Support;

namespace FedTransfer.Rpc.Tests.Listener;

/// <summary>One TLS server requiring client certificates from <see cref="Pki"/>'s CA, shared by the TLS tests.</summary>
public sealed class TlsServerFixture : IAsyncLifetime
{
    public TestCertificates Pki { get; } = TestCertificates.Create("fedtransfer");

    public TestCertificates OtherPki { get; } = TestCertificates.Create("intruder");

    public TestServerHost Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await TestServerHost.StartAsync(listener: new GrpcListenerOptions
        {
            Url = "https://127.0.0.1:0",
            ServerCertificate = Pki.Server,
            RequireClientCertificate = true,
            ClientCa = Pki.Ca,
        });
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Pki.Dispose();
        OtherPki.Dispose();
    }
}

/// <summary>The TLS listener with required client certificates, and listener option validation.</summary>
public sealed class GrpcKestrelExtensionsTests(TlsServerFixture fixture) : IClassFixture<TlsServerFixture>
{
    private readonly TestCertificates _pki = fixture.Pki;
    private readonly TestCertificates _otherPki = fixture.OtherPki;
    private readonly TestServerHost _server = fixture.Server;

    [Fact]
    public async Task Tls_ClientWithCertificateFromTheCa_IsServedAndVisibleToHandler()
    {
        using var channel = _server.CreateChannel(new GrpcChannelOptions { ClientCertificate = _pki.Client, TrustedCa = _pki.Ca });

        var reply = await channel.UnaryAsync(TestService.Echo, new EchoRequest { Text = "over tls" }, Timeout());

        Assert.Equal("over tls", reply.Text);
        Assert.Equal("CN=fedtransfer-site-1", reply.Metadata["client-cert"]);
        Assert.Equal(_pki.Client.Thumbprint, _server.Service.LastContext!.ClientCertificate!.Thumbprint);
        Assert.StartsWith("https://", _server.Address.ToString());
    }

    [Fact]
    public async Task Tls_ClientWithoutCertificate_IsRefused_AndServerKeepsServing()
    {
        using var channel = _server.CreateChannel(new GrpcChannelOptions { TrustedCa = _pki.Ca });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Echo, new EchoRequest(), Timeout()));

        Assert.Equal(StatusCode.Unavailable, ex.Status);
        await AssertGoodClientServedAsync();
    }

    [Fact]
    public async Task Tls_ClientCertificateFromAnotherCa_IsRefused_AndServerKeepsServing()
    {
        using var channel = _server.CreateChannel(new GrpcChannelOptions { ClientCertificate = _otherPki.Client, TrustedCa = _pki.Ca });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Echo, new EchoRequest(), Timeout()));

        Assert.Equal(StatusCode.Unavailable, ex.Status);
        await AssertGoodClientServedAsync();
    }

    [Fact]
    public async Task Tls_ServerNotChainingToTrustedCa_IsRefusedByClient()
    {
        using var channel = _server.CreateChannel(new GrpcChannelOptions { ClientCertificate = _pki.Client, TrustedCa = _otherPki.Ca });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Echo, new EchoRequest(), Timeout()));

        Assert.Equal(StatusCode.Unavailable, ex.Status);
        Assert.Contains("TLS", ex.Detail);
    }

    [Fact]
    public async Task Tls_ExtraValidatorRejecting_RefusesOtherwiseValidClient()
    {
        await using var server = await TestServerHost.StartAsync(listener: new GrpcListenerOptions
        {
            Url = "https://127.0.0.1:0",
            ServerCertificate = _pki.Server,
            RequireClientCertificate = true,
            ClientCa = _pki.Ca,
            ClientCertificateValidator = (cert, _, _) => cert.Subject == "CN=someone-else",
        });
        using var channel = server.CreateChannel(new GrpcChannelOptions { ClientCertificate = _pki.Client, TrustedCa = _pki.Ca });

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.UnaryAsync(TestService.Echo, new EchoRequest(), Timeout()));

        Assert.Equal(StatusCode.Unavailable, ex.Status);
    }

    private async Task AssertGoodClientServedAsync()
    {
        using var good = _server.CreateChannel(new GrpcChannelOptions { ClientCertificate = _pki.Client, TrustedCa = _pki.Ca });
        Assert.Equal("ok", (await good.UnaryAsync(TestService.Echo, new EchoRequest { Text = "ok" }, Timeout())).Text);
    }

    private static CallOptions Timeout() => new() { Timeout = TimeSpan.FromSeconds(20) };
}

/// <summary>Listener configuration errors and URL forms; no server needed.</summary>
public sealed class GrpcListenerConfigurationTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5000", "127.0.0.1", 5000)]
    [InlineData("https://0.0.0.0:7443", "0.0.0.0", 7443)]
    [InlineData("http://*:0", "0.0.0.0", 0)]
    [InlineData("http://localhost:81", "127.0.0.1", 81)]
    [InlineData("http://[::1]:82", "::1", 82)]
    public void ParseUrl_AcceptedForms(string url, string address, int port)
    {
        var (parsedAddress, parsedPort) = GrpcKestrelExtensions.ParseUrl(url);

        Assert.Equal(IPAddress.Parse(address), parsedAddress);
        Assert.Equal(port, parsedPort);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1:1", "http://")]
    [InlineData("http://example.com:1", "IP address")]
    [InlineData("not a url", "http://")]
    public void ParseUrl_Invalid_SaysWhatToDo(string url, string hint)
    {
        Assert.Contains(hint, Assert.Throws<ArgumentException>(() => GrpcKestrelExtensions.ParseUrl(url)).Message);
    }

    [Fact]
    public async Task InvalidWindowSize_FailsAtStartNamingTheOption()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => TestServerHost.StartAsync(listener: new GrpcListenerOptions { InitialStreamWindowSize = 100 }));

        Assert.Contains("InitialStreamWindowSize", ex.ToString());
    }

    [Fact]
    public async Task HttpsWithoutCertificate_FailsAtStartWithClearMessage()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => TestServerHost.StartAsync(listener: new GrpcListenerOptions { Url = "https://127.0.0.1:0" }));

        Assert.Contains("CertificatePath", ex.ToString());
    }

    [Fact]
    public async Task RequiredClientCertificateWithoutCa_FailsAtStartWithClearMessage()
    {
        using var pki = TestCertificates.Create("lonely");
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => TestServerHost.StartAsync(listener: new GrpcListenerOptions
        {
            Url = "https://127.0.0.1:0",
            ServerCertificate = pki.Server,
            RequireClientCertificate = true,
        }));

        Assert.Contains("ClientCaPath", ex.ToString());
    }

}
