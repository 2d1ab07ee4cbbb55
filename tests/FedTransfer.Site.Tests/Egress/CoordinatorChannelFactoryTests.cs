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
