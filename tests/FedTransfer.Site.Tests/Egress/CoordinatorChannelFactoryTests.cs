using Grpc.Core;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedTransfer.Site.Tests.Egress;

public sealed class CoordinatorChannelFactoryTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly TestPki _pki = new();

    private Task<LoopbackCoordinator> StartMutualTlsAsync() => LoopbackCoordinator.StartAsync(_pki.Server, _pki.Ca);

    [Fact]
    public async Task Create_WithSiteCertificateAndCa_JoinsOverMutualTlsAsThatSite()
    {
        // Arrange
        await using var server = await StartMutualTlsAsync();
        var options = new SiteOptions
        {
            CoordinatorUrl = server.Address.ToString(),
            ClientCertificateFile = _pki.SiteCertificateFile, ClientKeyFile = _pki.SiteKeyFile, TrustedCaFile = _pki.CaFile,
        };
        using var gateway = EgressGateway.Connect(options, NullLogger<EgressGateway>.Instance);

        // Act
        var joined = await gateway.JoinAsync(TestTasks.Join(), Timeout, CancellationToken.None);

        // Assert
        Assert.Equal("session-1", joined.SessionId);
        Assert.Equal("CN=clinic-a", Assert.Single(server.JoinCertificates));
    }

    [Fact]
    public async Task Create_WithoutClientCertificate_IsTurnedAwayAndNothingArrives()
    {
        // Arrange
        await using var server = await StartMutualTlsAsync();
        using var gateway = EgressGateway.Connect(new SiteOptions { CoordinatorUrl = server.Address.ToString(), TrustedCaFile = _pki.CaFile },
            NullLogger<EgressGateway>.Instance);

        // Act
        await Assert.ThrowsAsync<RpcException>(() => gateway.JoinAsync(TestTasks.Join(), Timeout, CancellationToken.None));

        // Assert
        Assert.Empty(server.Calls);
    }

    [Fact]
    public async Task Join_CoordinatorCertificateFromAnotherCa_FailsWithOneLineNamingTheCertificateBothKeysAndTheSetting()
    {
        // Arrange: the site trusts the CA of another federation's kit (same CA name, another key).
        await using var server = await StartMutualTlsAsync();
        using var other = new TestPki();
        using var gateway = EgressGateway.Connect(new SiteOptions
        {
            CoordinatorUrl = server.Address.ToString(),
            ClientCertificateFile = _pki.SiteCertificateFile, ClientKeyFile = _pki.SiteKeyFile, TrustedCaFile = other.CaFile,
        }, NullLogger<EgressGateway>.Instance);

        // Act
        var error = await Assert.ThrowsAnyAsync<Exception>(() => gateway.JoinAsync(TestTasks.Join(), Timeout, CancellationToken.None));
        var line = FailureText.OneLine(error);

        // Assert: nothing reached the coordinator, and the operator reads which certificate, why, and what to set.
        Assert.Empty(server.Calls);
        Assert.StartsWith($"the coordinator's certificate '{_pki.Server.Subject}' issued by", line);
        Assert.Contains("does not chain to the federation CA", line);
        Assert.EndsWith("Site:TrustedCaFile must be the ca.pem of this federation's kit", line);
        Assert.DoesNotContain("\n", line);
        Assert.True(TransientFailure.IsTransient(error) || error is RpcException, "the worker must back off and retry, not give up");
    }

    [Fact]
    public void OneLine_ConnectionRefused_IsTheStatusAndTheInnermostCause()
    {
        var refused = new RpcException(new Status(StatusCode.Unavailable, "Error starting gRPC call. HttpRequestException: Connection refused (127.0.0.1:1) SocketException: Connection refused",
            new HttpRequestException("Connection refused (127.0.0.1:1)", new System.Net.Sockets.SocketException(111))));

        Assert.Equal("Unavailable: Connection refused", FailureText.OneLine(refused));
    }

    [Fact]
    public void Create_UnreadableKeyFile_SaysWhichFileAndSetting()
    {
        // Arrange
        var options = new SiteOptions
        {
            CoordinatorUrl = "https://127.0.0.1:7443", ClientCertificateFile = _pki.SiteCertificateFile, ClientKeyFile = _pki.CaFile,
        };

        // Act
        var error = Assert.Throws<InvalidOperationException>(() => CoordinatorChannelFactory.Create(options));

        // Assert
        Assert.Contains(_pki.SiteCertificateFile, error.Message);
        Assert.Contains("Site TLS", error.Message);
    }

    public void Dispose() => _pki.Dispose();
}
