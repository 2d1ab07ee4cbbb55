using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Tests.Support;
using Grpc.Core;

namespace FedTransfer.Coordinator.Tests.Security;

/// <summary>
/// The per-object rules over the wire: a site fetches only what one of its own tasks names, never another federation's
/// artifacts nor an export, and answers only its own tasks; each refusal is PERMISSION_DENIED with a reason and logged
/// with the caller. Plaintext development identities here; the rules are the same under mutual TLS.
/// </summary>
public sealed class SiteObjectAccessTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private readonly ListLoggerProvider _logs = new();
    private TestCoordinator _coordinator = null!;

    public async Task InitializeAsync() => _coordinator = await TestCoordinator.StartAsync(_temp.Path, logs: _logs);

    public async Task DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        _temp.Dispose();
    }

    private async Task<(FederationInfo Federation, RunInfo Run)> FederationWithRunAsync(string name, int minSites = 1)
    {
        var federation = await AdminClient.CreateFederationAsync(_coordinator.Channel, Tensors.Bytes(Tensors.Random(name.Length)), name);
        return (federation, await AdminClient.StartRunAsync(_coordinator.Channel, federation.FederationId, rounds: 1, minSites: minSites));
    }

    [Fact]
    public async Task Fetch_BackboneAndAdapterOfOwnTask_Served()
    {
        using var site = await FakeSite.JoinAsync(_coordinator.Address, "clinic-a");
        await FederationWithRunAsync("own");
        var task = await site.NextTrainAsync();

        var backbone = await site.FetchAsync(task.Backbone.Digest);
        var adapter = await site.FetchAsync(task.GlobalAdapter.Digest);

        Assert.Equal(task.Backbone.SizeBytes, backbone.Length);
        Assert.Equal(task.GlobalAdapter.SizeBytes, adapter.Length);
    }

    [Fact]
    public async Task Fetch_AnotherFederationsArtifacts_PermissionDeniedAndLogged()
    {
        using var site = await FakeSite.JoinAsync(_coordinator.Address, "clinic-a");
        await FederationWithRunAsync("own");
        await site.NextTrainAsync();
        // A second federation the site is not enrolled in: no task of this site names its artifacts.
        var other = await AdminClient.CreateFederationAsync(_coordinator.Channel, Tensors.Bytes(Tensors.Random(77)), "other");

        var adapter = await Assert.ThrowsAsync<RpcException>(() => site.FetchAsync(other.InitialAdapter.Digest));

        Assert.Equal(StatusCode.PermissionDenied, adapter.StatusCode);
        Assert.Contains("not named by any task of site 'name-clinic-a'", adapter.Status.Detail);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Federation/FetchArtifact", "PermissionDenied", other.InitialAdapter.Digest[..16]));
    }

    [Fact]
    public async Task Fetch_AnExport_PermissionDeniedAndLogged()
    {
        using var site = await FakeSite.JoinAsync(_coordinator.Address, "clinic-a");
        var (_, run) = await FederationWithRunAsync("own");
        await site.NextTrainAsync();
        var export = await _coordinator.Channel.Admin().ExportModelAsync(new ExportModelRequest { RunId = run.RunId, Kind = ExportKind.Merged }).ResponseAsync;

        var refused = await Assert.ThrowsAsync<RpcException>(() => site.FetchAsync(export.Digest));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Federation/FetchArtifact", export.Digest[..16]));
    }

    [Fact]
    public async Task Fetch_BeforeAnyTask_PermissionDenied()
    {
        var (federation, _) = await FederationWithRunAsync("own", minSites: 2);
        using var late = await FakeSite.JoinAsync(_coordinator.Address, "latecomer");

        var refused = await Assert.ThrowsAsync<RpcException>(() => late.FetchAsync(federation.Backbone.Digest));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task Push_ForAnotherSitesTask_PermissionDeniedAndLogged()
    {
        using var a = await FakeSite.JoinAsync(_coordinator.Address, "clinic-a");
        using var b = await FakeSite.JoinAsync(_coordinator.Address, "clinic-b");
        await FederationWithRunAsync("own", minSites: 2);
        var taskOfB = await b.NextTrainAsync();

        var refused = await Assert.ThrowsAsync<RpcException>(() => a.PushAsync(taskOfB.TaskId, 1, 10, Tensors.Bytes(Tensors.Random(10, 0.1f))));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("was given to another site", refused.Status.Detail);
        Assert.NotNull(await _logs.WaitForAsync("Refused /fedtransfer.v1.Federation/PushResult", "PermissionDenied", taskOfB.TaskId));
    }
}
