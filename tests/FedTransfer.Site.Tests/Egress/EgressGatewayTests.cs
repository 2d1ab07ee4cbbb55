using FedTransfer.Contracts.V1;
using Grpc.Core;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Tests.Support;
using FedTransfer.Weights;
using FedTransfer.Weights.Serialization;
using Microsoft.Extensions.Logging.Abstractions;

namespace FedTransfer.Site.Tests.Egress;

public sealed class EgressGatewayTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task PushResult_ValidLargeDelta_ArrivesOverLoopbackInMiBChunksWithItsDigest()
    {
        // Arrange: a task whose trainable set is one 2.8 MB tensor, so the payload needs three chunks.
        await using var server = await LoopbackCoordinator.StartAsync();
        var task = TestTasks.Train();
        task.Trainable = new Contracts.V1.TrainableSet { Tensors = { new Contracts.V1.TensorSpec { Name = "w", Dtype = TensorDType.F32, Shape = { 700_000 } } } };
        server.PullAnswers.Enqueue(new PullTaskResponse { Train = task });
        using var gateway = Connect(server);
        await gateway.JoinAsync(TestTasks.Join(), Timeout, CancellationToken.None);
        await gateway.PullTaskAsync(new PullTaskRequest { SessionId = "session-1", MaxWaitMs = 0 }, Timeout, CancellationToken.None);
        var payload = TestTasks.Payload([TensorRecord.Create<float>("w", Enumerable.Range(0, 700_000).Select(i => i * 1e-6f).ToArray(), 700_000)]);

        // Act
        var receipt = await gateway.PushResultAsync(TestTasks.Header(), payload, CancellationToken.None);

        // Assert
        var push = Assert.Single(server.Pushes);
        Assert.Equal(payload, push.Payload);
        Assert.Equal(3, push.Chunks);
        Assert.Equal(EgressGateway.PayloadChunkBytes, push.LargestChunk);
        Assert.Equal(TestTasks.Sha256(payload), push.Header.PayloadSha256);
        Assert.Equal(payload.Length, push.Header.PayloadTotalBytes);
        Assert.Equal(ResultOutcome.Accepted, receipt.Outcome);
    }

    [Fact]
    public async Task PushResult_WrongShape_IsRefusedAndNothingReachesTheServer()
    {
        // Arrange
        await using var server = await LoopbackCoordinator.StartAsync();
        server.PullAnswers.Enqueue(TestTasks.AsInstruction(TestTasks.Train()));
        using var gateway = Connect(server);
        await gateway.JoinAsync(TestTasks.Join(), Timeout, CancellationToken.None);
        await gateway.PullTaskAsync(new PullTaskRequest { SessionId = "session-1" }, Timeout, CancellationToken.None);
        var wrong = TestTasks.Payload([TestTasks.Delta()[0], TensorRecord.Create<float>("lora.a", new float[8], 4, 2)]);

        // Act
        var refused = await Assert.ThrowsAsync<EgressRefusedException>(() => gateway.PushResultAsync(TestTasks.Header(), wrong, CancellationToken.None));

        // Assert
        Assert.Contains("lora.a", refused.Message);
        Assert.Contains("shape", refused.Message);
        Assert.DoesNotContain("PushResult", server.Calls);
        Assert.Empty(server.Pushes);
    }

    [Fact]
    public async Task PushResult_CoordinatorUnavailableTwice_IsRetriedAndAcceptedOnce()
    {
        // Arrange
        await using var server = await LoopbackCoordinator.StartAsync();
        server.PushUnavailableCount = 2;
        server.PullAnswers.Enqueue(TestTasks.AsInstruction(TestTasks.Train()));
        using var gateway = Connect(server);
        await gateway.JoinAsync(TestTasks.Join(), Timeout, CancellationToken.None);
        await gateway.PullTaskAsync(new PullTaskRequest { SessionId = "session-1" }, Timeout, CancellationToken.None);
        var payload = TestTasks.Payload(TestTasks.Delta());

        // Act
        var receipt = await gateway.PushResultAsync(TestTasks.Header(), payload, CancellationToken.None);

        // Assert
        Assert.Equal(3, server.Calls.Count(c => c == "PushResult"));
        Assert.Equal(payload, Assert.Single(server.Pushes).Payload);
        Assert.Equal("task-1", receipt.TaskId);
    }

    public static TheoryData<string, Func<(ResultHeader Header, byte[] Payload)>> RefusedResults => new()
    {
        { "backbone weight", () => (TestTasks.Header(), TestTasks.Payload([.. TestTasks.Delta(), TensorRecord.Create<float>("blocks.0.attn.qkv.weight", new float[4], 2, 2)])) },
        { "missing tensor", () => (TestTasks.Header(), TestTasks.Payload([TestTasks.Delta()[0]])) },
        { "wrong dtype", () => (TestTasks.Header(), TestTasks.Payload([TestTasks.Delta()[0], TensorRecord.FromSingles("lora.a", new float[8], DType.Float16, 2, 4)])) },
        { "wrong shape", () => (TestTasks.Header(), TestTasks.Payload([TestTasks.Delta()[0], TensorRecord.Create<float>("lora.a", new float[8], 8)])) },
        { "NaN value", () => (TestTasks.Header(), TestTasks.Payload([TestTasks.Delta()[0], TensorRecord.Create<float>("lora.a", [0, 0, float.NaN, 0, 0, 0, 0, 0], 2, 4)])) },
        { "metadata", () => (TestTasks.Header(), TestTasks.Payload(TestTasks.Delta(), new Dictionary<string, string> { ["labels"] = "3,1,4" })) },
        { "metric not allowed", () => (With(h => h.Metrics["label_histogram_0"] = 12), TestTasks.Payload(TestTasks.Delta())) },
        { "metric not finite", () => (With(h => h.Metrics["train_loss"] = double.PositiveInfinity), TestTasks.Payload(TestTasks.Delta())) },
        { "unknown task", () => (With(h => h.TaskId = "task-2"), TestTasks.Payload(TestTasks.Delta())) },
        { "other round", () => (With(h => h.Round = 2), TestTasks.Payload(TestTasks.Delta())) },
        { "other session", () => (With(h => h.SessionId = "forged"), TestTasks.Payload(TestTasks.Delta())) },
        { "no examples", () => (With(h => h.ExampleCount = 0), TestTasks.Payload(TestTasks.Delta())) },
        { "not safetensors", () => (TestTasks.Header(), new byte[64]) },
        { "misdescribed payload", () => (With(h => { h.PayloadSha256 = TestTasks.Digest("other"); h.PayloadTotalBytes = 5; }), TestTasks.Payload(TestTasks.Delta())) },
    };

    [Theory]
    [MemberData(nameof(RefusedResults))]
    public async Task PushResult_OutsideTheTaskOrAllowlist_IsRefusedAndNothingIsSent(string what, Func<(ResultHeader Header, byte[] Payload)> result)
    {
        // Arrange
        var transport = new FakeTransport();
        transport.PullAnswers.Enqueue(_ => TestTasks.AsInstruction(TestTasks.Train()));
        using var gateway = TestTasks.Gateway(transport);
        await gateway.JoinAsync(TestTasks.Join(), Timeout, CancellationToken.None);
        await gateway.PullTaskAsync(new PullTaskRequest { SessionId = "session-1" }, Timeout, CancellationToken.None);
        var (header, payload) = result();

        // Act
        var refused = await Assert.ThrowsAsync<EgressRefusedException>(() => gateway.PushResultAsync(header, payload, CancellationToken.None));

        // Assert
        Assert.Equal(EgressKind.PushResult, refused.Kind);
        Assert.False(string.IsNullOrWhiteSpace(refused.Reason), what);
        Assert.Empty(transport.Pushes);
    }

    [Fact]
    public async Task PushResult_EvaluateTask_SendsMetricsOnlyAndRefusesAPayload()
    {
        // Arrange
        var transport = new FakeTransport();
        transport.PullAnswers.Enqueue(_ => new PullTaskResponse { Evaluate = TestTasks.Evaluate() });
        using var gateway = TestTasks.Gateway(transport);
        await gateway.JoinAsync(TestTasks.Join(), Timeout, CancellationToken.None);
        await gateway.PullTaskAsync(new PullTaskRequest { SessionId = "session-1" }, Timeout, CancellationToken.None);
        var header = new ResultHeader { SessionId = "session-1", TaskId = "eval-1", Round = 1, ExampleCount = 10, PayloadEncoding = PayloadEncoding.None, Metrics = { ["val_accuracy"] = 0.8 } };
        var withTrainMetric = header.Clone();
        withTrainMetric.Metrics["train_loss"] = 0.3;

        // Act
        await Assert.ThrowsAsync<EgressRefusedException>(() => gateway.PushResultAsync(header, TestTasks.Payload(TestTasks.Delta()), CancellationToken.None));
        await Assert.ThrowsAsync<EgressRefusedException>(() => gateway.PushResultAsync(withTrainMetric, ReadOnlyMemory<byte>.Empty, CancellationToken.None));
        await gateway.PushResultAsync(header, ReadOnlyMemory<byte>.Empty, CancellationToken.None);

        // Assert
        var (sent, payload) = Assert.Single(transport.Pushes);
        Assert.Empty(payload);
        Assert.Equal(0, sent.PayloadTotalBytes);
        Assert.Equal(["val_accuracy"], sent.Metrics.Keys);
    }

    [Fact]
    public async Task FetchArtifact_DigestNotNamedByAnyTask_IsRefusedBeforeSending()
    {
        // Arrange
        var transport = new FakeTransport();
        using var gateway = TestTasks.Gateway(transport);
        await gateway.JoinAsync(TestTasks.Join(), Timeout, CancellationToken.None);

        // Act
        var refused = await Assert.ThrowsAsync<EgressRefusedException>(async () =>
        {
            await foreach (var _ in gateway.FetchAsync(TestTasks.BackboneDigest, 0, CancellationToken.None)) { }
        });

        // Assert
        Assert.Equal(EgressKind.FetchArtifact, refused.Kind);
        Assert.Empty(transport.Fetches);
    }

    [Fact]
    public async Task Join_UnresolvedDeviceOrNegativeCounts_IsRefusedBeforeSending()
    {
        // Arrange
        var transport = new FakeTransport();
        using var gateway = TestTasks.Gateway(transport);
        var auto = TestTasks.Join();
        auto.Device.Device = "auto";
        var negative = TestTasks.Join();
        negative.ExampleCounts.Train = -1;

        // Act
        await Assert.ThrowsAsync<EgressRefusedException>(() => gateway.JoinAsync(auto, Timeout, CancellationToken.None));
        await Assert.ThrowsAsync<EgressRefusedException>(() => gateway.JoinAsync(negative, Timeout, CancellationToken.None));

        // Assert
        Assert.Empty(transport.Joins);
        Assert.Null(gateway.SessionId);
    }

    private static ResultHeader With(Action<ResultHeader> change)
    {
        var header = TestTasks.Header();
        change(header);
        return header;
    }

    private static EgressGateway Connect(LoopbackCoordinator server) => EgressGateway.Connect(
        new SiteOptions { CoordinatorUrl = server.Address.ToString(), ReconnectInitialDelayMs = 5, ReconnectMaxDelayMs = 20 },
        NullLogger<EgressGateway>.Instance);
}
