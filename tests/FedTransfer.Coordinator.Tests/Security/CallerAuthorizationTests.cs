using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Tests.Support;
using FedTransfer.Federation.Ledger;
using FedTransfer.Rpc;
using System.Security.Cryptography.X509Certificates;

namespace FedTransfer.Coordinator.Tests.Security;

/// <summary>
/// Mutual TLS over real loopback TLS: one coordinator requiring client certificates from the test CA; every refusal case
/// is refused and logged, and the coordinator goes on serving good sites and admins afterwards.
/// </summary>
public sealed class CallerAuthorizationTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly TestPki _pki = new();
    private readonly ListLoggerProvider _logs = new();
    private TestCoordinator _coordinator = null!;

    public async Task InitializeAsync() =>
        _coordinator = await TestCoordinator.StartAsync(_temp.Path, _pki.CoordinatorSettings(), _logs);

    public async Task DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        _pki.Dispose();
        _temp.Dispose();
    }

    private GrpcChannel Channel(string? client) => GrpcChannel.Create(_coordinator.Address, _pki.ChannelOptions(client));

    private static Task<StatusResponse> StatusAsync(GrpcChannel channel) =>
        channel.UnaryAsync(AdminService.GetStatus, new GetStatusRequest(), new CallOptions { Timeout = TimeSpan.FromSeconds(20) });

    private static Task<JoinResponse> JoinAsync(GrpcChannel channel, string name = "someone") =>
        channel.UnaryAsync(FederationService.Join, new JoinRequest
        {
            DisplayName = name, SoftwareVersion = "test", ExampleCounts = new ExampleCounts { Train = 10, Validation = 2 },
        }, new CallOptions { Timeout = TimeSpan.FromSeconds(20) });

    /// <summary>After a refusal the coordinator must still serve a good site and a good admin.</summary>
    private async Task AssertStillServingAsync()
    {
        using var site = Channel("site-b");
        using var admin = Channel("admin");
        Assert.Equal("site-b", (await JoinAsync(site)).SiteId);
        Assert.Contains((await StatusAsync(admin)).Sites, s => s.SiteId == "site-b");
    }

    [Fact]
    public async Task GoodSiteAndAdmin_Served_SiteIdentityIsCertificateName()
    {
        using var site = Channel("site-a");
        using var admin = Channel("admin");

        var joined = await JoinAsync(site, "Clinic A display name");
        var status = await StatusAsync(admin);

        Assert.Equal("site-a", joined.SiteId);
        var row = Assert.Single(status.Sites, s => s.SiteId == "site-a");
        Assert.Equal("Clinic A display name", row.DisplayName);
    }

    [Fact]
    public async Task NoCertificate_FederationAndAdminCalls_UnauthenticatedAndLogged()
    {
        using var anonymous = Channel(null);

        var join = await Assert.ThrowsAsync<RpcException>(() => JoinAsync(anonymous));
        var status = await Assert.ThrowsAsync<RpcException>(() => StatusAsync(anonymous));

        Assert.Equal(StatusCode.Unauthenticated, join.Status);
        Assert.Contains("client certificate", join.Detail);
        Assert.Equal(StatusCode.Unauthenticated, status.Status);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Federation/Join", "no client certificate"));
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Admin/GetStatus", "no client certificate"));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task ForeignCaCertificate_RefusedAtHandshakeAndLogged()
    {
        using var intruder = Channel("intruder");

        await Assert.ThrowsAsync<RpcException>(() => JoinAsync(intruder));

        Assert.NotNull(await _logs.WaitForAsync("Refused TLS client certificate", "CN=intruder", "does not chain"));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("joined", StringComparison.Ordinal) && l.Contains("intruder", StringComparison.Ordinal));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task ExpiredCertificate_RefusedAtHandshakeAndLogged()
    {
        using var expired = Channel("expired");

        await Assert.ThrowsAsync<RpcException>(() => JoinAsync(expired));

        Assert.NotNull(await _logs.WaitForAsync("Refused TLS client certificate", "CN=expired"));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task SiteCertificate_OnAdminCall_PermissionDeniedAndLogged()
    {
        using var site = Channel("site-a");

        var e = await Assert.ThrowsAsync<RpcException>(() => StatusAsync(site));

        Assert.Equal(StatusCode.PermissionDenied, e.Status);
        Assert.Contains("OU=admin", e.Detail);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Admin/GetStatus", "PermissionDenied", "CN=site-a"));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task AdminCertificate_OnFederationCall_PermissionDeniedAndLogged()
    {
        using var admin = Channel("admin");

        var e = await Assert.ThrowsAsync<RpcException>(() => JoinAsync(admin));

        Assert.Equal(StatusCode.PermissionDenied, e.Status);
        Assert.Contains("OU=site", e.Detail);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Federation/Join", "PermissionDenied", "CN=admin"));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task AnotherSitesSession_PermissionDenied()
    {
        using var a = Channel("site-a");
        using var b = Channel("site-b");
        var joinedA = await JoinAsync(a);

        var e = await Assert.ThrowsAsync<RpcException>(() => b.UnaryAsync(FederationService.PullTask,
            new PullTaskRequest { SessionId = joinedA.SessionId, MaxWaitMs = 0 }, new CallOptions { Timeout = TimeSpan.FromSeconds(20) }));

        Assert.Equal(StatusCode.PermissionDenied, e.Status);
    }

    [Fact]
    public async Task Receipt_OverTls_SignedWithCoordinatorCertificateKey_TamperedFails()
    {
        var federation = await WithAdminAsync(c => AdminClient.CreateFederationAsync(c, Tensors.Bytes(Tensors.Random(1))));
        using var site = await FakeSite.JoinAsync(_coordinator.Address, "site-a", channelOptions: _pki.ChannelOptions("site-a"));
        await WithAdminAsync(c => AdminClient.StartRunAsync(c, federation.FederationId, rounds: 1, minSites: 1));
        var task = await site.NextTrainAsync();

        var receipt = await site.PushAsync(task.TaskId, 1, 40, Tensors.Bytes(Tensors.Random(10, 0.1f)));

        Assert.Equal(ResultOutcome.Accepted, receipt.Outcome);
        Assert.Equal("site-a", receipt.SiteId);
        Assert.Equal(_pki.Certificate("coordinator").ExportCertificatePem(), receipt.CoordinatorCertificatePem.Trim());
        using var key = _pki.Certificate("coordinator").GetECDsaPublicKey()!;
        Assert.True(ReceiptSigning.Verify(key, Canonical(receipt), receipt.Signature.ToByteArray()));
        var tampered = receipt.Clone();
        tampered.PayloadBytes += 1;
        Assert.False(ReceiptSigning.Verify(key, Canonical(tampered), tampered.Signature.ToByteArray()));
    }

    private async Task<T> WithAdminAsync<T>(Func<GrpcChannel, Task<T>> call)
    {
        using var admin = Channel("admin");
        return await call(admin);
    }

    internal static byte[] Canonical(Receipt r) => ReceiptSigning.CanonicalBytes(
        r.TaskId, r.SiteId, r.RunId, r.Round, r.Outcome.ToSignedText(), r.PayloadSha256, r.PayloadBytes, r.ReceivedUnixMs);
}
