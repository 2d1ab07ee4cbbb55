using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Tests.Support;
using FedTransfer.Rpc;

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
        Assert.Equal(StatusCode.Unauthenticated, stale.Status);
    }

    [Fact]
    public async Task Join_AnotherNameWithTheSameDevIdentity_IsRefusedAndTheFirstKeepsItsSession()
    {
        using var first = await FakeSite.JoinAsync(_coordinator.Address, "site a");

        var error = await Assert.ThrowsAsync<RpcException>(() => FakeSite.JoinAsync(_coordinator.Address, "site_a"));

        Assert.Equal(StatusCode.AlreadyExists, error.Status);
        Assert.Contains("the site named 'site a' already holds", error.Message);
        var stillThere = await first.PullAsync(0); // the first site's session did not end
        Assert.NotNull(stillThere);
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("ok", -1)]
    public async Task Join_InvalidRequest_IsInvalidArgument(string name, long train)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _coordinator.Channel.UnaryAsync(FederationService.Join,
            new JoinRequest { DisplayName = name, ExampleCounts = new ExampleCounts { Train = train } }));

        Assert.Equal(StatusCode.InvalidArgument, error.Status);
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

    [Fact]
    public async Task FetchArtifact_FromOffsetWithSmallChunks_ReturnsTheTail()
    {
        using var site = await FakeSite.JoinAsync(_coordinator.Address, "fetcher");
        var bytes = Tensors.Bytes(Tensors.Random(5));
        var artifact = await AdminClient.UploadAsync(_coordinator.Channel, bytes);

        var whole = await site.FetchAsync(artifact.Digest, chunkSize: 4096);
        var tail = await site.FetchAsync(artifact.Digest, offset: 1000, chunkSize: 4096);
        var nothing = await site.FetchAsync(artifact.Digest, offset: bytes.Length);

        Assert.Equal(bytes, whole);
        Assert.Equal(bytes[1000..], tail);
        Assert.Empty(nothing);
    }

    [Fact]
    public async Task FetchArtifact_BadRequests_GetClearStatuses()
    {
        using var site = await FakeSite.JoinAsync(_coordinator.Address, "fetcher");
        var artifact = await AdminClient.UploadAsync(_coordinator.Channel, Tensors.Bytes(Tensors.Random(5)));

        var beyond = await Assert.ThrowsAsync<RpcException>(() => site.FetchAsync(artifact.Digest, offset: artifact.SizeBytes + 1));
        var chunk = await Assert.ThrowsAsync<RpcException>(() => site.FetchAsync(artifact.Digest, chunkSize: 100));
        var unknown = await Assert.ThrowsAsync<RpcException>(() => site.FetchAsync(new string('0', 64)));
        var malformed = await Assert.ThrowsAsync<RpcException>(() => site.FetchAsync("../../etc/passwd"));

        Assert.Equal(StatusCode.OutOfRange, beyond.Status);
        Assert.Equal(StatusCode.InvalidArgument, chunk.Status);
        Assert.DoesNotContain("(Parameter", chunk.Message);
        Assert.Equal(StatusCode.NotFound, unknown.Status);
        Assert.Equal(StatusCode.InvalidArgument, malformed.Status);
    }

    [Fact]
    public async Task Calls_WithoutSession_AreUnauthenticated()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _coordinator.Channel.UnaryAsync(FederationService.PullTask, new PullTaskRequest { SessionId = "forged" }));

        Assert.Equal(StatusCode.Unauthenticated, error.Status);
        Assert.Contains("Join", error.Detail);
    }
}
