using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Tests.Support;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;
using Grpc.Core;
using Grpc.Net.Client;

namespace FedTransfer.Coordinator.Tests.Services;

public sealed class AdminEndpointTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private TestCoordinator _coordinator = null!;
    private GrpcChannel Channel => _coordinator.Channel;

    public async Task InitializeAsync() => _coordinator = await TestCoordinator.StartAsync(_temp.Path);

    public async Task DisposeAsync()
    {
        await _coordinator.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task Upload_SameBytesTwice_SameDigest_AndDeclaredDigestIsChecked()
    {
        var bytes = Tensors.Bytes(Tensors.Random(1));

        var first = await AdminClient.UploadAsync(Channel, bytes);
        var second = await AdminClient.UploadAsync(Channel, bytes, sha: first.Digest);
        var wrong = await Assert.ThrowsAsync<RpcException>(() => AdminClient.UploadAsync(Channel, bytes, sha: new string('b', 64)));

        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(bytes.Length, first.SizeBytes);
        Assert.Equal(StatusCode.DataLoss, wrong.StatusCode);
    }

    [Fact]
    public async Task CreateFederation_ReportsTrainableSet_AndIsIdempotentByName()
    {
        var initial = Tensors.Bytes(Tensors.Random(1));

        var created = await AdminClient.CreateFederationAsync(Channel, initial, "fed-a");
        var again = await AdminClient.CreateFederationAsync(Channel, initial, "fed-a");
        var different = await Assert.ThrowsAsync<RpcException>(() => AdminClient.CreateFederationAsync(Channel, Tensors.Bytes(Tensors.Random(2)), "fed-a"));

        Assert.Equal(created.FederationId, again.FederationId);
        Assert.Equal(["blocks.0.attn.qkv.lora_a", "blocks.0.attn.qkv.lora_b", "head.bias", "head.weight"], created.Trainable.Tensors.Select(t => t.Name));
        Assert.Equal(4 * 24 + 72 * 4 + 5 + 5 * 24, created.Trainable.ParameterCount);
        Assert.Equal(StatusCode.AlreadyExists, different.StatusCode);
    }

    [Fact]
    public async Task CreateFederation_BadArtifacts_AreRejectedClearly()
    {
        var backbone = await AdminClient.UploadAsync(Channel, Tensors.Bytes(Tensors.Random(9)));
        var integer = await AdminClient.UploadAsync(Channel, Tensors.Bytes([TensorRecord.Create<long>("steps", [1L], 1)]));
        var garbage = await AdminClient.UploadAsync(Channel, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        Task<FederationInfo> Create(string adapter) => Channel.Admin().CreateFederationAsync(new CreateFederationRequest
        {
            Name = "x" + adapter[..6], BackboneDigest = backbone.Digest, AdapterSpec = "lora:r=4", InitialAdapterDigest = adapter,
        }).ResponseAsync;

        var missing = await Assert.ThrowsAsync<RpcException>(() => Create(new string('c', 64)));
        var intAdapter = await Assert.ThrowsAsync<RpcException>(() => Create(integer.Digest));
        var notSafetensors = await Assert.ThrowsAsync<RpcException>(() => Create(garbage.Digest));

        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        Assert.Contains("upload it first", missing.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, intAdapter.StatusCode);
        Assert.Contains("'steps'", intAdapter.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, notSafetensors.StatusCode);
        Assert.Contains("not a valid safetensors file", notSafetensors.Status.Detail);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CreateFederation_NonFiniteWeights_AreRefusedNamingTheTensor(bool inBackbone)
    {
        // The review created a federation on a NaN backbone; every site then retrained every second.
        var clean = await AdminClient.UploadAsync(Channel, Tensors.Bytes(Tensors.Random(9)));
        var poisoned = await AdminClient.UploadAsync(Channel, Tensors.Bytes([TensorRecord.Create<float>("head.weight", [0.5f, float.NaN, 1f], 3)]));

        var error = await Assert.ThrowsAsync<RpcException>(() => Channel.Admin().CreateFederationAsync(new CreateFederationRequest
        {
            Name = "nan-" + inBackbone, BackboneDigest = inBackbone ? poisoned.Digest : clean.Digest, AdapterSpec = "lora:r=4",
            InitialAdapterDigest = inBackbone ? clean.Digest : poisoned.Digest,
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(inBackbone ? "the backbone" : "the initial adapter", error.Status.Detail);
        Assert.Contains("'head.weight' element 1 is NaN", error.Status.Detail);
    }

    [Fact]
    public async Task CreateFederation_UnparseableAdapterSpec_IsInvalidArgument()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            AdminClient.CreateFederationAsync(Channel, Tensors.Bytes(Tensors.Random(1)), adapterSpec: "lora:r=4,agg=average"));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("agg='average' must be naive, frozen-a or exact", error.Status.Detail);
    }

    [Theory]
    [InlineData("median")]
    [InlineData("krum")]
    public async Task StartRun_ExactLoraWithARobustStrategy_IsRefusedWithARemedy(string strategy)
    {
        var federation = await AdminClient.CreateFederationAsync(Channel, Tensors.Bytes(Tensors.Random(1)), name: "exact-" + strategy,
            adapterSpec: "lora:r=4,alpha=8,targets=attn.qkv,agg=exact");

        var error = await Assert.ThrowsAsync<RpcException>(() => AdminClient.StartRunAsync(Channel, federation.FederationId, 1, minSites: 5, strategy: strategy));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("needs a FedAvg-family strategy", error.Status.Detail);
        Assert.Contains("agg=frozen-a", error.Status.Detail);
    }

    [Fact]
    public async Task StartRun_SecureAggregationWithMedian_IsRefusedWithTheCompatibilityReason()
    {
        var federation = await AdminClient.CreateFederationAsync(Channel, Tensors.Bytes(Tensors.Random(1)), name: "secagg-median");
        var request = new StartRunRequest
        {
            FederationId = federation.FederationId, Rounds = 1, Strategy = "median", MinSites = 1, RoundTimeoutSeconds = 10,
            HyperParameters = new HyperParameters { Epochs = 1, BatchSize = 8, LearningRate = 0.1 },
        };
        request.StrategySettings["secure_aggregation"] = "true";

        var error = await Assert.ThrowsAsync<RpcException>(() => Channel.Admin().StartRunAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("secure aggregation cannot be combined with strategy median", error.Status.Detail);
    }

    [Theory]
    [InlineData(0, "fedavg", "", "rounds must be between 1 and 10000")]
    [InlineData(3, "fedsgd", "", "unknown strategy 'fedsgd'")]
    [InlineData(3, "trimmed_mean", "beta", "trimmed_mean setting 'beta' must be a number in [0, 0.499999]")]
    [InlineData(3, "fedavg", "server_learning_rate", "unknown fedavg setting 'server_learning_rate'")]
    public async Task StartRun_InvalidSettings_AreInvalidArgument(int rounds, string strategy, string setting, string expected)
    {
        var federation = await AdminClient.CreateFederationAsync(Channel, Tensors.Bytes(Tensors.Random(1)));
        var request = new StartRunRequest
        {
            FederationId = federation.FederationId, Rounds = rounds, Strategy = strategy, MinSites = 1, RoundTimeoutSeconds = 10,
            HyperParameters = new HyperParameters { Epochs = 1, BatchSize = 8, LearningRate = 0.1 },
        };
        if (setting.Length > 0) request.StrategySettings[setting] = "1";

        var error = await Assert.ThrowsAsync<RpcException>(() => Channel.Admin().StartRunAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected, error.Status.Detail);
    }

    [Fact]
    public async Task GetStatus_ListsSitesFederationsAndRuns()
    {
        var federation = await AdminClient.CreateFederationAsync(Channel, Tensors.Bytes(Tensors.Random(1)));
        using var site = await FakeSite.JoinAsync(_coordinator.Address, "clinic", 120, 30);
        var run = await AdminClient.StartRunAsync(Channel, federation.FederationId, rounds: 2, minSites: 1);

        var status = await Channel.Admin().GetStatusAsync(new GetStatusRequest()).ResponseAsync;

        var listed = Assert.Single(status.Sites);
        Assert.Equal((site.SiteId, SiteState.Online, 120L, 30L), (listed.SiteId, listed.State, listed.ExampleCounts.Train, listed.ExampleCounts.Validation));
        Assert.Equal(federation.FederationId, Assert.Single(status.Federations).FederationId);
        var runInfo = Assert.Single(status.Runs);
        Assert.Equal((run.RunId, RunState.Running, 2), (runInfo.RunId, runInfo.State, runInfo.Rounds));
        Assert.Equal(federation.InitialAdapter.Digest, runInfo.CurrentAdapter.Digest);
    }

    [Fact]
    public async Task Export_AdapterAndMerged_LoraIsFoldedIntoTheBaseWeight()
    {
        var initial = Tensors.Random(1);
        var federation = await AdminClient.CreateFederationAsync(Channel, Tensors.Bytes(initial));
        var run = await AdminClient.StartRunAsync(Channel, federation.FederationId, rounds: 1, minSites: 1);

        var adapter = await Channel.Admin().ExportModelAsync(new ExportModelRequest { RunId = run.RunId, Kind = ExportKind.Adapter }).ResponseAsync;
        var merged = await Channel.Admin().ExportModelAsync(new ExportModelRequest { RunId = run.RunId, Kind = ExportKind.Merged }).ResponseAsync;
        var missing = await Assert.ThrowsAsync<RpcException>(() => Channel.Admin().ExportModelAsync(new ExportModelRequest { RunId = run.RunId, Round = 5 }).ResponseAsync);

        Assert.Equal(federation.InitialAdapter.Digest, adapter.Digest);
        var file = SafeTensors.Read(await AdminClient.DownloadAsync(Channel, merged.Digest));
        Assert.Equal(["blocks.0.attn.qkv.weight", "head.bias", "head.weight"], file.Tensors.Select(t => t.Name).Order(StringComparer.Ordinal));
        Assert.Equal("lora:r=4,alpha=8,targets=attn.qkv", file.Metadata["fedtransfer.adapter_spec"]);
        Assert.Equal("lora-folded", file.Metadata["fedtransfer.merge"]);
        // One element by hand: W'[o, i] = W[o, i] + (alpha / r) * sum_k B[o, k] * A[k, i], with alpha 8 and r 4.
        var backbone = SafeTensors.Read(await AdminClient.DownloadAsync(Channel, federation.Backbone.Digest))["blocks.0.attn.qkv.weight"].ToSingles();
        var a = initial.Single(t => t.Name == "blocks.0.attn.qkv.lora_a").ToSingles();
        var b = initial.Single(t => t.Name == "blocks.0.attn.qkv.lora_b").ToSingles();
        const int o = 70, i = 5;
        var expected = backbone[o * 24 + i] + 2.0 * Enumerable.Range(0, 4).Sum(k => (double)b[o * 4 + k] * a[k * 24 + i]);
        Assert.Equal(expected, file["blocks.0.attn.qkv.weight"].ToSingles()[o * 24 + i], 5);
        Assert.Equal(initial.Single(t => t.Name == "head.weight").ToSingles(), file["head.weight"].ToSingles());
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task AdminToken_WhenConfigured_IsRequired()
    {
        using var temp = new TempDirectory();
        await using var secured = await TestCoordinator.StartAsync(temp.Path, new Dictionary<string, string?> { ["Coordinator:AdminToken"] = "s3cret" });

        var denied = await Assert.ThrowsAsync<RpcException>(() => secured.Channel.Admin().GetStatusAsync(new GetStatusRequest()).ResponseAsync);
        var wrong = await Assert.ThrowsAsync<RpcException>(() => secured.Channel.Admin().GetStatusAsync(new GetStatusRequest(), new Metadata { { "authorization", "Bearer nope" } }).ResponseAsync);
        var allowed = await secured.Channel.Admin().GetStatusAsync(new GetStatusRequest(), new Metadata { { "authorization", "Bearer s3cret" } }).ResponseAsync;

        Assert.Equal(StatusCode.Unauthenticated, denied.StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        Assert.Empty(allowed.Runs);
    }
}
