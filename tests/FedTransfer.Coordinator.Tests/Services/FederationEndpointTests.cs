using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Tests.Support;
using Grpc.Core;

namespace FedTransfer.Coordinator.Tests.Services;

public sealed class FederationEndpointTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private TestCoordinator _coordinator = null!;

    public async Task InitializeAsync() => _coordinator = await TestCoordinator.StartAsync(_temp.Path, new Dictionary<string, string?> { ["Coordinator:MaxPullWaitMs"] = "300" });

    public async Task DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Join_SameNameAgain_SameSiteNewSession()
    {
        using var first = await FakeSite.JoinAsync(_coordinator.Address, "clinic a");
        using var again = await FakeSite.JoinAsync(_coordinator.Address, "clinic a");

        Assert.Equal("name-clinic_a", first.SiteId);
        Assert.Equal(first.SiteId, again.SiteId);
        Assert.NotEqual(first.SessionId, again.SessionId);
        var stale = await Assert.ThrowsAsync<RpcException>(() => first.PullAsync(0));
        Assert.Equal(StatusCode.Unauthenticated, stale.StatusCode);
    }

    [Fact]
    public async Task Join_AnotherNameWithTheSameDevIdentity_IsRefusedAndTheFirstKeepsItsSession()
    {
        using var first = await FakeSite.JoinAsync(_coordinator.Address, "site a");

        var error = await Assert.ThrowsAsync<RpcException>(() => FakeSite.JoinAsync(_coordinator.Address, "site_a"));

        Assert.Equal(StatusCode.AlreadyExists, error.StatusCode);
        Assert.Contains("the site named 'site a' already holds", error.Message);
        var stillThere = await first.PullAsync(0); // the first site's session did not end
        Assert.NotNull(stillThere);
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("ok", -1)]
    public async Task Join_InvalidRequest_IsInvalidArgument(string name, long train)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _coordinator.Channel.Federation().JoinAsync(new JoinRequest { DisplayName = name, ExampleCounts = new ExampleCounts { Train = train } }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task PullTask_NothingToDo_WaitsServerSideThenSaysWait()
    {
        using var site = await FakeSite.JoinAsync(_coordinator.Address, "idle");
        var started = DateTime.UtcNow;

        var answer = await site.PullAsync(maxWaitMs: 60_000);

        Assert.Equal(PullTaskResponse.InstructionOneofCase.Wait, answer.InstructionCase);
        var waited = DateTime.UtcNow - started;
        Assert.InRange(waited, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10)); // clamped to MaxPullWaitMs = 300
    }

    /// <summary>A site with a train task: the backbone it names is what the site may fetch.</summary>
    private async Task<(FakeSite Site, TrainTask Task)> SiteWithTaskAsync()
    {
        var federation = await AdminClient.CreateFederationAsync(_coordinator.Channel, Tensors.Bytes(Tensors.Random(5)));
        var site = await FakeSite.JoinAsync(_coordinator.Address, "fetcher");
        await AdminClient.StartRunAsync(_coordinator.Channel, federation.FederationId, rounds: 1, minSites: 1);
        return (site, await site.NextTrainAsync());
    }

    [Fact]
    public async Task FetchArtifact_FromOffsetWithSmallChunks_ReturnsTheTail()
    {
        var (site, task) = await SiteWithTaskAsync();
        using var _ = site;
        var size = (int)task.Backbone.SizeBytes;

        var whole = await site.FetchAsync(task.Backbone.Digest, chunkSize: 4096);
        var tail = await site.FetchAsync(task.Backbone.Digest, offset: 1000, chunkSize: 4096);
        var nothing = await site.FetchAsync(task.Backbone.Digest, offset: size);

        Assert.Equal(size, whole.Length);
        Assert.Equal(whole[1000..], tail);
        Assert.Empty(nothing);
    }

    [Fact]
    public async Task FetchArtifact_BadRequests_GetClearStatuses()
    {
        var (site, task) = await SiteWithTaskAsync();
        using var _ = site;

        var beyond = await Assert.ThrowsAsync<RpcException>(() => site.FetchAsync(task.Backbone.Digest, offset: task.Backbone.SizeBytes + 1));
        var chunk = await Assert.ThrowsAsync<RpcException>(() => site.FetchAsync(task.Backbone.Digest, chunkSize: 100));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => site.FetchAsync(new string('0', 64)));
        var malformed = await Assert.ThrowsAsync<RpcException>(() => site.FetchAsync("../../etc/passwd"));

        Assert.Equal(StatusCode.OutOfRange, beyond.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, chunk.StatusCode);
        Assert.DoesNotContain("(Parameter", chunk.Message);
        // Whether a digest is stored is not for a site to learn: what no task of its names is refused alike.
        Assert.Equal(StatusCode.PermissionDenied, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, malformed.StatusCode);
    }

    [Fact]
    public async Task Calls_WithoutSession_AreUnauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _coordinator.Channel.Federation().PullTaskAsync(new PullTaskRequest { SessionId = "forged" }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("Join", error.Status.Detail);
    }
}
