using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Tests.Support;
using FedTransfer.Federation.Ledger;
using Grpc.Core;
using Grpc.Net.Client;
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

    private GrpcChannel Channel(string? client) => _pki.Channel(_coordinator.Address, client);

    private static Task<StatusResponse> StatusAsync(GrpcChannel channel) =>
        channel.Admin().GetStatusAsync(new GetStatusRequest(), deadline: DateTime.UtcNow + TimeSpan.FromSeconds(20)).ResponseAsync;

    private static Task<JoinResponse> JoinAsync(GrpcChannel channel, string name = "someone") =>
        channel.Federation().JoinAsync(new JoinRequest
        {
            DisplayName = name, SoftwareVersion = "test", ExampleCounts = new ExampleCounts { Train = 10, Validation = 2 },
        }, deadline: DateTime.UtcNow + TimeSpan.FromSeconds(20)).ResponseAsync;

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

        Assert.Equal(StatusCode.Unauthenticated, join.StatusCode);
        Assert.Contains("client certificate", join.Status.Detail);
        Assert.Equal(StatusCode.Unauthenticated, status.StatusCode);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Federation/Join", "no client certificate"));
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Admin/GetStatus", "no client certificate"));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task ForeignCaCertificate_UnauthenticatedAndLogged()
    {
        using var intruder = Channel("intruder");

        var e = await Assert.ThrowsAsync<RpcException>(() => JoinAsync(intruder));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Contains("does not chain to the federation CA", e.Status.Detail);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Federation/Join", "CN=intruder", "Unauthenticated", "does not chain"));
        Assert.DoesNotContain(_logs.Lines, l => l.Contains("joined", StringComparison.Ordinal) && l.Contains("intruder", StringComparison.Ordinal));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task ExpiredCertificate_UnauthenticatedAndLogged()
    {
        using var expired = Channel("expired");

        var e = await Assert.ThrowsAsync<RpcException>(() => JoinAsync(expired));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Contains("expired on", e.Status.Detail);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Federation/Join", "CN=expired", "expired on"));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task NotYetValidCertificate_UnauthenticatedAndLogged()
    {
        using var early = Channel("notyet");

        var e = await Assert.ThrowsAsync<RpcException>(() => JoinAsync(early));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Contains("is not valid before", e.Status.Detail);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Federation/Join", "CN=notyet", "not valid before"));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task RevokedCertificate_AfterStart_UnauthenticatedWithinSecondsAndLogged()
    {
        using var site = Channel("site-a");
        Assert.Equal("site-a", (await JoinAsync(site)).SiteId);

        _pki.Revoke("site-a");
        RpcException? refused = null;
        for (var attempt = 0; attempt < 50 && refused is null; attempt++)
        {
            try
            {
                await JoinAsync(site);
                await Task.Delay(200);
            }
            catch (RpcException e)
            {
                refused = e;
            }
        }

        Assert.NotNull(refused);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Contains("is revoked by the federation's revocation list", refused.Status.Detail);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Federation/Join", "CN=site-a", "revoked"));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task HealthProbe_WithoutCertificate_Serving()
    {
        using var anonymous = Channel(null);

        var health = await new Grpc.Health.V1.Health.HealthClient(anonymous).CheckAsync(new Grpc.Health.V1.HealthCheckRequest(),
            deadline: DateTime.UtcNow.AddSeconds(20));

        Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task Reflection_NotEnabled_Unimplemented()
    {
        using var admin = Channel("admin");
        using var call = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(admin).ServerReflectionInfo(deadline: DateTime.UtcNow.AddSeconds(20));

        var e = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "" });
            await call.ResponseStream.MoveNext();
        });

        Assert.Equal(StatusCode.Unimplemented, e.StatusCode);
    }

    [Fact]
    public async Task SiteCertificate_OnAdminCall_PermissionDeniedAndLogged()
    {
        using var site = Channel("site-a");

        var e = await Assert.ThrowsAsync<RpcException>(() => StatusAsync(site));

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Contains("OU=admin", e.Status.Detail);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Admin/GetStatus", "PermissionDenied", "CN=site-a"));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task AuditorCertificate_ReadsStatus_ButCannotStartARun()
    {
        using var auditor = Channel("auditor");

        var status = await StatusAsync(auditor);
        var e = await Assert.ThrowsAsync<RpcException>(() => auditor.Admin().StartRunAsync(new StartRunRequest { FederationId = "fed-x", Rounds = 1 },
            deadline: DateTime.UtcNow.AddSeconds(20)).ResponseAsync);
        var join = await Assert.ThrowsAsync<RpcException>(() => JoinAsync(auditor));

        Assert.NotNull(status);
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Contains("has role auditor, /fedtransfer.v1.Admin/StartRun needs OU=admin", e.Status.Detail);
        Assert.Equal(StatusCode.PermissionDenied, join.StatusCode);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Admin/StartRun", "CN=auditor", "PermissionDenied"));
    }

    [Fact]
    public async Task AdminCertificate_OnFederationCall_PermissionDeniedAndLogged()
    {
        using var admin = Channel("admin");

        var e = await Assert.ThrowsAsync<RpcException>(() => JoinAsync(admin));

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Contains("OU=site", e.Status.Detail);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Federation/Join", "PermissionDenied", "CN=admin"));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task AnotherSitesSession_PermissionDeniedAndLogged()
    {
        using var a = Channel("site-a");
        using var b = Channel("site-b");
        var joinedA = await JoinAsync(a);

        var e = await Assert.ThrowsAsync<RpcException>(() => b.Federation().PullTaskAsync(new PullTaskRequest { SessionId = joinedA.SessionId, MaxWaitMs = 0 }, deadline: DateTime.UtcNow + TimeSpan.FromSeconds(20)).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Contains("belongs to site 'site-a'", e.Status.Detail);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Federation/PullTask", "CN=site-b", "PermissionDenied"));
    }

    [Fact]
    public async Task Receipt_OverTls_SignedWithCoordinatorCertificateKey_TamperedFails()
    {
        var federation = await WithAdminAsync(c => AdminClient.CreateFederationAsync(c, Tensors.Bytes(Tensors.Random(1))));
        using var site = await FakeSite.JoinAsync(_coordinator.Address, "site-a", channel: _pki.Channel(_coordinator.Address, "site-a"));
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
